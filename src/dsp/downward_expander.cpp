// Downward expander with the quadratic soft knee of Giannoulis, Massberg & Reiss, "Digital
// Dynamic Range Compressor Design — A Tutorial and Analysis" (JAES 2012), mirrored below the
// threshold. The gain is smoothed in the dB domain (their "log domain, decoupled" detector), so
// attack and release are true time constants of the gain curve.
#include "dsp/downward_expander.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"
#include "dsp/dmath_pair.h"
#include "dsp/pair.h"

namespace vocalmix {
namespace {

constexpr double kKneeDb = 6.0;
constexpr double kDetectorSeconds = 0.005;  // RMS window: smooth on a 100 Hz voice, still quick
constexpr double kRampSeconds = 0.05;       // threshold/ratio/range glide
constexpr double kSettleDb = 1e-9;  // the gain snaps to a target this close (error ~1e-10)

double onePoleCoeff(double sampleRate, double seconds) {
  return 1.0 - dmath::exp(-1.0 / (sampleRate * seconds));
}

// The static curve (staticGainDb), inline for the per-sample loops.
inline double curveDb(double levelDb, double thresholdDb, double ratio, double rangeDb) {
  const double over = levelDb - thresholdDb;
  double g = 0.0;
  if (over <= -0.5 * kKneeDb) {
    g = (ratio - 1.0) * over;
  } else if (over < 0.5 * kKneeDb) {
    const double u = over - 0.5 * kKneeDb;
    g = -(ratio - 1.0) * u * u / (2.0 * kKneeDb);
  }
  return std::max(g, -rangeDb);
}

}  // namespace

DownwardExpander::DownwardExpander() {
  thresholdDb_.snap(-55.0);  // the schema defaults (expander.*)
  ratio_.snap(2.0);
  rangeDb_.snap(12.0);
}

double DownwardExpander::staticGainDb(double levelDb, double thresholdDb, double ratio,
                                      double rangeDb) {
  return curveDb(levelDb, thresholdDb, ratio, rangeDb);
}

void DownwardExpander::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  thresholdDb_.prepare(sampleRate, kRampSeconds);
  ratio_.prepare(sampleRate, kRampSeconds);
  rangeDb_.prepare(sampleRate, kRampSeconds);
  detectorCoeff_ = onePoleCoeff(sampleRate, kDetectorSeconds);
  updateCoefficients();
  reset();
}

void DownwardExpander::reset() {
  thresholdDb_.snap(thresholdDb_.target());
  ratio_.snap(ratio_.target());
  rangeDb_.snap(rangeDb_.target());
  updateFlatEnds();
  meanSquare_ = 0.0;
  gainDb_ = 0.0;
  gain_ = 1.0;
}

void DownwardExpander::setThreshold(Decibels t) {
  const double v = std::clamp(t.value, -100.0, 0.0);
  thresholdDb_.setTarget(v);
  updateFlatEnds();
}
void DownwardExpander::setRatio(double r) {
  ratio_.setTarget(std::clamp(r, 1.0, 8.0));
  updateFlatEnds();
}
void DownwardExpander::setRange(Decibels maxAttenuation) {
  rangeDb_.setTarget(std::clamp(maxAttenuation.value, 0.0, 40.0));
  updateFlatEnds();
}

void DownwardExpander::setAttack(Milliseconds a) {
  attackMs_ = std::clamp(a.value, 0.01, 1000.0);
  updateCoefficients();
}
void DownwardExpander::setRelease(Milliseconds r) {
  releaseMs_ = std::clamp(r.value, 1.0, 10000.0);
  updateCoefficients();
}

// Mean squares bounding the curve's sloped part, for the settings' targets (used only once the
// glides have ended). Below the knee the curve is linear, so it reaches −range at
// T − range/(ratio − 1), or sooner inside the knee: the lower of the two is safe.
void DownwardExpander::updateFlatEnds() {
  const double t = thresholdDb_.target(), r = ratio_.target(), range = rangeDb_.target();
  auto power = [](double db) { return dmath::exp(db * (dmath::kLn10 / 10.0)); };
  kneeTopPower_ = power(t + 0.5 * kKneeDb);
  floorPower_ = r > 1.0 ? power(std::min(t - 0.5 * kKneeDb, t - range / (r - 1.0))) : -1.0;
}

void DownwardExpander::updateCoefficients() {
  attackCoeff_ = onePoleCoeff(sampleRate_, attackMs_ * 1e-3);
  releaseCoeff_ = onePoleCoeff(sampleRate_, releaseMs_ * 1e-3);
}

void DownwardExpander::process(double* x, int n) {
  int i = 0;
  // While a setting glides: the general form, one sample at a time.
  for (; i < n; ++i) {
    const bool gliding =
        thresholdDb_.isSmoothing() || ratio_.isSmoothing() || rangeDb_.isSmoothing();
    if (!gliding) break;
    const double v = x[i];
    const double threshold = thresholdDb_.next();
    const double ratio = ratio_.next();
    const double range = rangeDb_.next();
    meanSquare_ += detectorCoeff_ * (v * v - meanSquare_);
    // Flush denormal-bound values; NaN/Inf input must not stay in the detector for good.
    if (!(meanSquare_ >= 1e-30 && meanSquare_ <= 1e30)) meanSquare_ = 0.0;
    // A glide may end on this sample: its flat ends are then valid from here on.
    const bool stillGliding =
        thresholdDb_.isSmoothing() || ratio_.isSmoothing() || rangeDb_.isSmoothing();
    double target;
    if (!stillGliding && meanSquare_ >= kneeTopPower_) {
      target = 0.0;
    } else if (!stillGliding && meanSquare_ <= floorPower_) {
      target = -range;
    } else {
      target = staticGainDb(dmath::powerToDbInline(meanSquare_), threshold, ratio, range);
    }
    const double step = target - gainDb_;
    if (step != 0.0) {
      gainDb_ += (step > 0.0 ? attackCoeff_ : releaseCoeff_) * step;
      if (std::fabs(target - gainDb_) < kSettleDb) gainDb_ = target;  // lands exactly
      gain_ = gainDb_ == 0.0 ? 1.0 : dmath::dbToGainInline(gainDb_);
    }
    x[i] = v * gain_;
  }
  if (i == n) return;

  // The settings rest for the rest of the call (they change only between calls). The two flat
  // ends of the curve need no log: above the knee (singing) the gain is 0 dB, at the bottom
  // (long pauses) it is −range. Per run of up to kRun samples: first the detector and the gain
  // smoother (serial recurrences; where two neighbours both need the log, one logPair), then
  // the gains two at a time (expPair), or one constant gain if the gain did not move. The
  // gain is always dbToGainInline(gainDb) (exactly 1 at 0 dB), so this is the per-sample form's
  // arithmetic, bit for bit.
  const double threshold = thresholdDb_.current(), ratio = ratio_.current();
  const double range = rangeDb_.current();
  const double kneeTop = kneeTopPower_, floorPower = floorPower_, dc = detectorCoeff_;
  const double attack = attackCoeff_, release = releaseCoeff_;
  double ms = meanSquare_, gainDb = gainDb_;
  const auto detect = [&](double v) {
    ms += dc * (v * v - ms);
    if (!(ms >= 1e-30 && ms <= 1e30)) ms = 0.0;
    return ms;
  };
  const auto flatTarget = [&](double p, double& target) {  // false: needs the log
    if (p >= kneeTop) {
      target = 0.0;
    } else if (p <= floorPower) {
      target = -range;
    } else {
      return false;
    }
    return true;
  };
  const auto curve = [&](double db) { return curveDb(db, threshold, ratio, range); };
  const unsigned long long settleBits = dmath::detail::toBits(kSettleDb) << 1;  // sign dropped
  const auto smooth = [&](double target) {  // true if gainDb moved
    const double step = target - gainDb;
    if (step == 0.0) return false;
    gainDb += (step > 0.0 ? attack : release) * step;
    // Lands exactly: |target − gainDb| < kSettleDb, compared on the bits shifted left once
    // (the sign dropped, magnitudes order like their bits, NaN sorts above), so the same test.
    // Written as a double compare, GCC turns this rare step into a select, which put a
    // subtract, a compare and a blend on the gain's per-sample chain; as an integer compare it
    // stays a branch that the CPU predicts and runs past.
    if (dmath::detail::toBits(target - gainDb) << 1 < settleBits) gainDb = target;
    return true;
  };
  const dmath::PairConstants& c = laneConstants_;
  const Pair dbToLn = splat(dmath::kLn10 / 20.0);
  constexpr int kRun = 64;
  double gains[kRun];
  while (i < n) {
    const int len = std::min(kRun, n - i);
    double* y = x + i;
    bool moved = false;
    int k = 0;
    for (; k + 2 <= len; k += 2) {
      const double p0 = detect(y[k]);
      const double p1 = detect(y[k + 1]);
      double t0, t1;
      const bool flat0 = flatTarget(p0, t0), flat1 = flatTarget(p1, t1);
      if (!flat0 && !flat1 && p0 != 0.0 && p1 != 0.0) {
        // Both in the sloped part (p in [1e-30, 1e30], so powerToDbInline takes its log).
        const Pair db = splat(10.0) * (dmath::logPair(Pair{p0, p1}, c) * splat(1.0 / dmath::kLn10));
        t0 = curve(db[0]);
        t1 = curve(db[1]);
      } else {
        if (!flat0) t0 = curve(dmath::powerToDbInline(p0));
        if (!flat1) t1 = curve(dmath::powerToDbInline(p1));
      }
      moved = smooth(t0) | moved;
      gains[k] = gainDb;
      moved = smooth(t1) | moved;
      gains[k + 1] = gainDb;
    }
    if (k < len) {
      const double p = detect(y[k]);
      double t;
      if (!flatTarget(p, t)) t = curve(dmath::powerToDbInline(p));
      moved = smooth(t) | moved;
      gains[k] = gainDb;
    }
    if (!moved) {
      const double g = gain_;
      for (k = 0; k + 2 <= len; k += 2) storePair(y + k, loadPair(y + k) * splat(g));
      if (k < len) y[k] *= g;
    } else {
      double last = 1.0;
      for (k = 0; k + 2 <= len; k += 2) {
        // gainDb is within [−40, 0] dB (targets are, and the smoother interpolates), well
        // inside expInline's fast domain.
        const Pair g = dmath::expPairInRange(loadPair(gains + k) * dbToLn, c);
        storePair(y + k, loadPair(y + k) * g);
        last = g[1];
      }
      if (k < len) {
        last = dmath::dbToGainInline(gains[k]);
        y[k] *= last;
      }
      gain_ = last;  // the gain at gainDb, the last sample's
    }
    i += len;
  }
  meanSquare_ = ms;
  gainDb_ = gainDb;
}

}  // namespace vocalmix
