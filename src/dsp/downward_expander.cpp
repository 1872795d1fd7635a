// Downward expander with the quadratic soft knee of Giannoulis, Massberg & Reiss, "Digital
// Dynamic Range Compressor Design — A Tutorial and Analysis" (JAES 2012), mirrored below the
// threshold. The gain is smoothed in the dB domain (their "log domain, decoupled" detector), so
// attack and release are true time constants of the gain curve.
#include "dsp/downward_expander.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"

namespace vocalmix {
namespace {

constexpr double kKneeDb = 6.0;
constexpr double kDetectorSeconds = 0.005;  // RMS window: smooth on a 100 Hz voice, still quick
constexpr double kRampSeconds = 0.05;       // threshold/ratio/range glide
constexpr double kSettleDb = 1e-9;  // the gain snaps to a target this close (error ~1e-10)

double onePoleCoeff(double sampleRate, double seconds) {
  return 1.0 - dmath::exp(-1.0 / (sampleRate * seconds));
}

}  // namespace

DownwardExpander::DownwardExpander() {
  thresholdDb_.snap(-55.0);  // the schema defaults (expander.*)
  ratio_.snap(2.0);
  rangeDb_.snap(12.0);
}

double DownwardExpander::staticGainDb(double levelDb, double thresholdDb, double ratio,
                                      double rangeDb) {
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
  for (int i = 0; i < n; ++i) {
    const double v = x[i];
    const double threshold = thresholdDb_.next();
    const double ratio = ratio_.next();
    const double range = rangeDb_.next();
    meanSquare_ += detectorCoeff_ * (v * v - meanSquare_);
    // Flush denormal-bound values; NaN/Inf input must not stay in the detector for good.
    if (!(meanSquare_ >= 1e-30 && meanSquare_ <= 1e30)) meanSquare_ = 0.0;

    // While the settings rest, the two flat ends of the curve need no log: above the knee
    // (singing) the gain is 0 dB, at the bottom (long pauses) it is −range.
    double target;
    const bool gliding =
        thresholdDb_.isSmoothing() || ratio_.isSmoothing() || rangeDb_.isSmoothing();
    if (!gliding && meanSquare_ >= kneeTopPower_) {
      target = 0.0;
    } else if (!gliding && meanSquare_ <= floorPower_) {
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
}

}  // namespace vocalmix
