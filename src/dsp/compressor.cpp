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
#include "dsp/dmath_pair.h"
#include "dsp/pair.h"

namespace vocalmix {
namespace {
constexpr double kRampSeconds = 0.05;

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

// reduction() on two levels (>= 0, as |x|), with the same per-lane arithmetic and results. The
// knee start is at least dbToGain(−92 dB) (threshold >= −80, knee <= 24), so a level above it
// takes gainToDbInline's log branch; lanes below the knee (or NaN) get 0 without a log of their
// own. An infinite level (outside logPair's domain) sends both lanes to the scalar form.
inline Pair reductionPair(Pair level, double kneeStartLin, double thr, double halfKnee,
                          double kneeScale, double slope, const Pair& twenty,
                          const Pair& invLn10, const dmath::PairConstants& c) {
  const PairMask above = level > splat(kneeStartLin);
  if (!(above[0] | above[1])) return splat(0.0);
  const Pair safe = selectPair(above, level, splat(1.0));
  constexpr double kMaxFinite = 1.7976931348623157e308;
  if (!(safe[0] <= kMaxFinite && safe[1] <= kMaxFinite)) {
    return Pair{reduction(level[0], kneeStartLin, thr, halfKnee, kneeScale, slope),
                reduction(level[1], kneeStartLin, thr, halfKnee, kneeScale, slope)};
  }
  const Pair db = twenty * (dmath::logPair(safe, c) * invLn10);
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
                                      kneeScale, slope, twenty_, invLn10_, pairConstants_));
    }
    if (i < n) xL[i] = reduction(std::fabs(x[i]), kneeStart, thr, halfKnee, kneeScale, slope);
  }

  // Smooth branching peak detector (attack when the reduction grows); xL becomes the gain in dB.
  const double aA = attackCoef_, aR = releaseCoef_;
  const double oneMinusA = 1.0 - aA, oneMinusR = 1.0 - aR;
  const double lastGainDb = lastGainDb_;
  double yL = reductionDb_;
  const auto detect = [&](int i, double makeup) {
    // a = x > y ? attack : release, then y = a·y + (1 − a)·x: both candidates are computed and
    // one is kept, the same value as choosing a first, but the choice no longer sits between
    // one sample's y and the next (the recurrence is the loop's critical path).
    const double x = xL[i];
    const double attack = aA * yL + oneMinusA * x, release = aR * yL + oneMinusR * x;
    yL = x > yL ? attack : release;
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
    const Pair g = dmath::expPair(loadPair(xL + i) * dbToLn_, pairConstants_);
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
