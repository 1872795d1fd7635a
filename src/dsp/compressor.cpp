// Gain computer and level detector follow Giannoulis, Massberg & Reiss (JAES 60(6), 2012):
//   static curve (soft knee of width W around threshold T, ratio R), eq. (4);
//   smooth branching peak detector, eq. (17), run on the gain reduction in dB, with
//   α = e^(−1/(τ·fs)) so a step reaches 1 − 1/e of its travel in τ.
// The detector runs on instantaneous |x|, so "level" means peak level: a sine whose peak is at
// the reference is the one auto make-up keeps in place (with attack ≪ release).
#include "dsp/compressor.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"
#include "dsp/pair.h"

namespace vocalmix {
namespace {
constexpr double kRampSeconds = 0.05;
constexpr double kDbToLn = dmath::kLn10 / 20.0;  // dbToGainInline(db) = expInline(db · kDbToLn)

// Gain computer: staticCurveDb written as a reduction without branches (noisy levels make
// branches unpredictable), with k = clamp(over + W/2, 0, W):
//   reduction = (1 − 1/R)/(2W)·k² + (1 − 1/R)·max(0, over − W/2).
// Below the knee the reduction is exactly 0, so the log is skipped there.
inline double reduction(double level, double kneeStartLin, double thr, double halfKnee,
                        double kneeScale, double slope) {
  if (!(level > kneeStartLin)) return 0.0;
  const double over = dmath::gainToDbInline(level) - thr;
  const double k = std::min(std::max(over + halfKnee, 0.0), 2.0 * halfKnee);
  return kneeScale * k * k + slope * std::max(over - halfKnee, 0.0);
}

// dmath::expInline on two lanes: the same range reduction, polynomial, table and scaling, as
// element-wise IEEE operations, so each lane has exactly expInline's bits. Outside the fast
// domain (|x| > 700, NaN) both lanes take the scalar function. The integer part is found
// without int conversions (which SSE2 and wasm lack for 64-bit lanes): adding 1.5·2^52 rounds
// v to an integer in the low mantissa bits (|v| < 2^51), a step down where that rounded up
// gives floor(v) = k exactly, and the bits of k + 1.5·2^52 minus those of 1.5·2^52 are k as an
// integer. The constants come from `c` (fillLaneConstants), each in both lanes.
typedef unsigned long long PairBits __attribute__((vector_size(16)));

constexpr double kMagic = 6755399441055744.0;  // 1.5·2^52
enum LaneConstant {
  kLowest, kHighest, kScale, kHalf, kMagicC, kOne, kLn2Hi32, kLn2Lo32,
  kC5040, kC720, kC120, kC24, kC6, kDbToLnC,
  kSqrt2, kL21, kL19, kL17, kL15, kL13, kL11, kL9, kL7, kL5, kL3, kTwo, kLn2Hi, kLn2Lo,
  kTwenty, kInvLn10, kLaneConstantCount
};

void fillLaneConstants(Pair* c) {
  namespace d = dmath::detail;
  const double values[kLaneConstantCount] = {-700.0,
                                            700.0,
                                            32.0 * d::kInvLn2,
                                            0.5,
                                            kMagic,
                                            1.0,
                                            d::kLn2Hi / 32.0,
                                            d::kLn2Lo / 32.0,
                                            1.0 / 5040.0,
                                            1.0 / 720.0,
                                            1.0 / 120.0,
                                            1.0 / 24.0,
                                            1.0 / 6.0,
                                            kDbToLn,
                                            1.4142135623730951,
                                            1.0 / 21.0,
                                            1.0 / 19.0,
                                            1.0 / 17.0,
                                            1.0 / 15.0,
                                            1.0 / 13.0,
                                            1.0 / 11.0,
                                            1.0 / 9.0,
                                            1.0 / 7.0,
                                            1.0 / 5.0,
                                            1.0 / 3.0,
                                            2.0,
                                            d::kLn2Hi,
                                            d::kLn2Lo,
                                            20.0,
                                            1.0 / dmath::kLn10};
  for (int i = 0; i < kLaneConstantCount; ++i) c[i] = splat(values[i]);
}

inline Pair expPair(Pair x, const Pair* c) {
  namespace d = dmath::detail;
  const PairMask inRange = (x >= c[kLowest]) & (x <= c[kHighest]);
  if (!(inRange[0] && inRange[1])) return Pair{dmath::expInline(x[0]), dmath::expInline(x[1])};
  const Pair v = x * c[kScale] + c[kHalf];
  const Pair nearest = (v + c[kMagicC]) - c[kMagicC];
  const Pair k = nearest - (Pair)((PairMask)(nearest > v) & (PairMask)c[kOne]);
  const PairBits ki = (PairBits)(k + c[kMagicC]) - (PairBits)c[kMagicC];  // two's complement
  const Pair r = (x - k * c[kLn2Hi32]) - k * c[kLn2Lo32];
  Pair p = c[kC5040];
  p = p * r + c[kC720];
  p = p * r + c[kC120];
  p = p * r + c[kC24];
  p = p * r + c[kC6];
  p = p * r + c[kHalf];
  p = p * r + c[kOne];
  p = p * r + c[kOne];
  // 2^(ki >> 5) with ki >= -32 322 here: ((ki >> 5) + 1023) = (ki + 1023·32) >> 5, unsigned.
  const Pair scale = (Pair)(((ki + 1023 * 32) >> 5) << 52);
  const Pair table{d::kExp2Table[ki[0] & 31], d::kExp2Table[ki[1] & 31]};
  return table * p * scale;
}

inline Pair select(PairMask m, Pair a, Pair b) {  // per lane: m ? a : b
  return (Pair)(((PairMask)a & m) | ((PairMask)b & ~m));
}
inline Pair maxPair(Pair a, Pair b) { return select(a < b, b, a); }  // std::max, per lane
inline Pair minPair(Pair a, Pair b) { return select(b < a, b, a); }  // std::min, per lane
inline Pair absPair(Pair v) {
  return (Pair)((PairMask)v & PairMask{0x7fffffffffffffffLL, 0x7fffffffffffffffLL});
}

// dmath::logInline on two lanes that are both positive, normal and finite (the caller checks):
// the same exponent split, mantissa fold, series and recombination as element-wise IEEE
// operations, so each lane has exactly logInline's bits. The exponent e becomes a double without
// int conversions: e's two's-complement bits added to those of 1.5·2^52 are 1.5·2^52 + e.
inline Pair logPair(Pair x, const Pair* c) {
  const PairBits bits = (PairBits)x;
  const PairBits e = (bits >> 52) - 1023;
  const Pair mantissa = (Pair)((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  const PairMask fold = mantissa > c[kSqrt2];
  const Pair m = select(fold, mantissa * c[kHalf], mantissa);  // exact
  // e (+ 1 where folded): small integers, so the double sums are exact, as the int ones are.
  const Pair de = ((Pair)((PairBits)c[kMagicC] + e) - c[kMagicC]) +
                  (Pair)(fold & (PairMask)c[kOne]);
  const Pair s = (m - c[kOne]) / (m + c[kOne]);
  const Pair s2 = s * s;
  Pair p = c[kL21];
  p = p * s2 + c[kL19];
  p = p * s2 + c[kL17];
  p = p * s2 + c[kL15];
  p = p * s2 + c[kL13];
  p = p * s2 + c[kL11];
  p = p * s2 + c[kL9];
  p = p * s2 + c[kL7];
  p = p * s2 + c[kL5];
  p = p * s2 + c[kL3];
  const Pair logm = c[kTwo] * (s + s * s2 * p);
  return de * c[kLn2Hi] + (logm + de * c[kLn2Lo]);
}

// reduction() on two levels (>= 0, as |x|), with the same per-lane arithmetic and results. The
// knee start is at least dbToGain(−92 dB) (threshold >= −80, knee <= 24), so a level above it
// takes gainToDbInline's log branch; lanes below the knee (or NaN) get 0 without a log of their
// own. An infinite level (outside logPair's domain) sends both lanes to the scalar form.
inline Pair reductionPair(Pair level, double kneeStartLin, double thr, double halfKnee,
                          double kneeScale, double slope, const Pair* c) {
  const PairMask above = level > splat(kneeStartLin);
  if (!(above[0] | above[1])) return splat(0.0);
  const Pair safe = select(above, level, splat(1.0));
  constexpr double kMaxFinite = 1.7976931348623157e308;
  if (!(safe[0] <= kMaxFinite && safe[1] <= kMaxFinite)) {
    return Pair{reduction(level[0], kneeStartLin, thr, halfKnee, kneeScale, slope),
                reduction(level[1], kneeStartLin, thr, halfKnee, kneeScale, slope)};
  }
  const Pair db = c[kTwenty] * (logPair(safe, c) * c[kInvLn10]);
  const Pair over = db - splat(thr);
  const Pair k = minPair(maxPair(over + splat(halfKnee), splat(0.0)), splat(2.0 * halfKnee));
  const Pair r =
      splat(kneeScale) * k * k + splat(slope) * maxPair(over - splat(halfKnee), splat(0.0));
  return (Pair)((PairMask)r & above);
}

}  // namespace

double Compressor::staticCurveDb(double inDb, double thr, double ratio, double knee) {
  const double over = inDb - thr;
  if (2.0 * over <= -knee) return inDb;
  if (2.0 * over >= knee) return thr + over / ratio;
  const double k = over + 0.5 * knee;  // only reached with knee > 0
  return inDb + (1.0 / ratio - 1.0) * k * k / (2.0 * knee);
}

double Compressor::coefficient(double ms, double sampleRate) {
  const double samples = std::max(ms, 0.01) * 0.001 * sampleRate;
  return dmath::exp(-1.0 / samples);
}

Compressor::Compressor() {
  static_assert(sizeof laneConstants_ / sizeof laneConstants_[0] == kLaneConstantCount);
  fillLaneConstants(laneConstants_);
  threshold_.snap(-18.0);
  ratio_.snap(3.0);
  knee_.snap(6.0);
  makeup_.snap(0.0);
}

void Compressor::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  for (Smoothed* s : {&threshold_, &ratio_, &knee_, &makeup_}) s->prepare(sampleRate, kRampSeconds);
  attackCoef_ = coefficient(attackMs_, sampleRate);
  releaseCoef_ = coefficient(releaseMs_, sampleRate);
  reset();
}

void Compressor::reset() {
  for (Smoothed* s : {&threshold_, &ratio_, &knee_, &makeup_}) s->snap(s->target());
  updateCurve(threshold_.current(), ratio_.current(), knee_.current());
  reductionDb_ = 0.0;
  lastGainDb_ = makeup_.current();
  lastGain_ = dmath::dbToGain(lastGainDb_);
}

void Compressor::setThreshold(Decibels t) {
  threshold_.setTarget(std::clamp(t.value, -80.0, 0.0));
  updateMakeupTarget();
}
void Compressor::setRatio(double r) {
  ratio_.setTarget(std::clamp(r, 1.0, 20.0));
  updateMakeupTarget();
}
void Compressor::setKnee(Decibels w) {
  knee_.setTarget(std::clamp(w.value, 0.0, 24.0));
  updateMakeupTarget();
}
void Compressor::setAttack(Milliseconds a) {
  attackMs_ = std::clamp(a.value, 0.01, 1000.0);
  attackCoef_ = coefficient(attackMs_, sampleRate_);
}
void Compressor::setRelease(Milliseconds r) {
  releaseMs_ = std::clamp(r.value, 1.0, 10000.0);
  releaseCoef_ = coefficient(releaseMs_, sampleRate_);
}
void Compressor::setMakeup(Decibels m) {
  manualMakeupDb_ = std::clamp(m.value, -24.0, 48.0);
  updateMakeupTarget();
}
void Compressor::setAutoMakeup(bool on, Decibels referenceLevel) {
  autoMakeup_ = on;
  referenceDb_ = std::clamp(referenceLevel.value, -60.0, 0.0);
  updateMakeupTarget();
}

// Make-up glides as one value; computed from the settings' targets, so during a glide it
// moves linearly while the curve moves (both land together after the same ramp).
void Compressor::updateMakeupTarget() {
  double m = manualMakeupDb_;
  if (autoMakeup_) {
    m += referenceDb_ - staticCurveDb(referenceDb_, threshold_.target(), ratio_.target(),
                                      knee_.target());
  }
  makeup_.setTarget(m);
}

void Compressor::updateCurve(double thr, double ratio, double knee) {
  kneeStartLin_ = dmath::dbToGain(thr - 0.5 * knee);
  slope_ = 1.0 - 1.0 / ratio;
  kneeScale_ = knee > 0.0 ? slope_ / (2.0 * knee) : 0.0;
}

void Compressor::process(double* x, int n) {
  for (int done = 0; done < n; done += kChunk) processChunk(x + done, std::min(kChunk, n - done));
}

// Three passes over a short chunk: the gain-computer reductions (independent logs, two at a
// time with the curve at rest: reductionPair), the detector recurrence, then the gains two at a
// time (expPair). Per-sample arithmetic is the same as one pass of dmath::gainToDbInline /
// dbToGainInline would do.
void Compressor::processChunk(double* x, int n) {
  double* xL = scratch_;
  if (threshold_.isSmoothing() || ratio_.isSmoothing() || knee_.isSmoothing()) {
    for (int i = 0; i < n; ++i) {
      if (threshold_.isSmoothing() || ratio_.isSmoothing() || knee_.isSmoothing()) {
        updateCurve(threshold_.next(), ratio_.next(), knee_.next());
      }
      xL[i] = reduction(std::fabs(x[i]), kneeStartLin_, threshold_.current(),
                        0.5 * knee_.current(), kneeScale_, slope_);
    }
  } else {
    // The curve is at rest for the whole chunk (settings change only between calls).
    const double kneeStart = kneeStartLin_, thr = threshold_.current();
    const double halfKnee = 0.5 * knee_.current(), kneeScale = kneeScale_, slope = slope_;
    int i = 0;
    for (; i + 2 <= n; i += 2) {
      storePair(xL + i, reductionPair(absPair(loadPair(x + i)), kneeStart, thr, halfKnee,
                                      kneeScale, slope, laneConstants_));
    }
    if (i < n) xL[i] = reduction(std::fabs(x[i]), kneeStart, thr, halfKnee, kneeScale, slope);
  }

  // Smooth branching peak detector (attack when the reduction grows); xL becomes the gain in dB.
  const double aA = attackCoef_, aR = releaseCoef_;
  const double lastGainDb = lastGainDb_;
  double yL = reductionDb_;
  const auto detect = [&](int i, double makeup) {
    const double a = xL[i] > yL ? aA : aR;
    yL = a * yL + (1.0 - a) * xL[i];
    if (yL < 1e-12) yL = 0.0;  // −240 dB of gain change: settle exactly (the gain stops moving)
    xL[i] = makeup - yL;
  };
  if (makeup_.isSmoothing()) {
    for (int i = 0; i < n; ++i) detect(i, makeup_.next());
  } else {
    const double makeup = makeup_.current();
    for (int i = 0; i < n; ++i) detect(i, makeup);
  }
  reductionDb_ = yL;
  if (n == 0) return;

  // Whether any gain differs from the last one (NaN counts as different). Checked after the
  // recurrence, stopping at the first difference: while the gain moves that is the first sample.
  bool changed = false;
  for (int i = 0; i < n && !changed; ++i) changed = xL[i] != lastGainDb;
  if (!changed) {  // at rest: every gain is the last one
    const double g = lastGain_;
    for (int i = 0; i < n; ++i) x[i] *= g;
    return;
  }
  lastGainDb_ = xL[n - 1];
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    const Pair g = expPair(loadPair(xL + i) * laneConstants_[kDbToLnC], laneConstants_);
    storePair(x + i, loadPair(x + i) * g);
    storePair(xL + i, g);
  }
  if (i < n) {
    xL[i] = dmath::dbToGainInline(xL[i]);
    x[i] *= xL[i];
  }
  lastGain_ = xL[n - 1];
}

}  // namespace vocalmix
