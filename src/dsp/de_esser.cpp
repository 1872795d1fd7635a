// Detection: peak follower (attack 1 ms, release 60 ms — the usual de-esser ballistics, fast
// enough to catch an "s" onset, slow enough not to modulate within one) on the band-passed
// signal; above the threshold the cut is the excess in dB (an infinite-ratio limiter on the
// sibilance band), capped at the range.
#include "dsp/de_esser.h"

#include <algorithm>
#include <cmath>

#include "dsp/biquad_lanes.h"
#include "dsp/dmath.h"

namespace vocalmix {
namespace {
constexpr double kRampSeconds = 0.05;
constexpr double kAttackMs = 1.0;
constexpr double kReleaseMs = 60.0;
}  // namespace

DeEsser::DeEsser() {
  threshold_.snap(-30.0);
  range_.snap(6.0);
}

void DeEsser::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  sidechain1_.prepare(sampleRate, FilterType::BandPass, kRampSeconds);
  sidechain2_.prepare(sampleRate, FilterType::BandPass, kRampSeconds);
  split_.prepare(sampleRate, FilterType::LowPass, kRampSeconds);
  sidechain1_.setQ(kSidechainQ);
  sidechain2_.setQ(kSidechainQ);
  split_.setQ(kSplitQ);
  setFrequency(Hz{frequency_});
  threshold_.prepare(sampleRate, kRampSeconds);
  range_.prepare(sampleRate, kRampSeconds);
  attackCoef_ = dmath::exp(-1.0 / (kAttackMs * 0.001 * sampleRate));
  releaseCoef_ = dmath::exp(-1.0 / (kReleaseMs * 0.001 * sampleRate));
  reset();
}

void DeEsser::reset() {
  sidechain1_.reset();
  sidechain2_.reset();
  split_.reset();
  threshold_.snap(threshold_.target());
  range_.snap(range_.target());
  thresholdLin_ = dmath::dbToGain(threshold_.current());
  envelope_ = 0.0;
  reductionDb_ = 0.0;
}

void DeEsser::setFrequency(Hz f) {
  frequency_ = std::clamp(f.value, 1000.0, 16000.0);
  const double fc = std::min(frequency_, 0.45 * sampleRate_);
  sidechain1_.setFrequency(Hz{fc});
  sidechain2_.setFrequency(Hz{fc});
  split_.setFrequency(Hz{kSplitRatio * fc});
}

void DeEsser::setThreshold(Decibels t) { threshold_.setTarget(std::clamp(t.value, -80.0, 0.0)); }

void DeEsser::setRange(Decibels maxCut) { range_.setTarget(std::clamp(maxCut.value, 0.0, 24.0)); }

void DeEsser::process(double* x, int n) {
  if (sidechain1_.isSettled() && sidechain2_.isSettled() && split_.isSettled() &&
      !threshold_.isSmoothing() && !range_.isSmoothing()) {
    processSettled(x, n);
    return;
  }
  const double aA = attackCoef_, aR = releaseCoef_;
  double env = envelope_;
  double cut = reductionDb_;
  for (int i = 0; i < n; ++i) {
    const double in = x[i];
    const double side = std::fabs(sidechain2_.process(sidechain1_.process(in)));
    const double hp = in - split_.process(in);

    env = side > env ? aA * env + (1.0 - aA) * side : aR * env + (1.0 - aR) * side;
    if (env < 1e-30) env = 0.0;

    if (threshold_.isSmoothing()) thresholdLin_ = dmath::dbToGain(threshold_.next());
    const double range = range_.next();
    if (env > thresholdLin_ && range > 0.0) {
      cut = std::clamp(dmath::gainToDbInline(env) - threshold_.current(), 0.0, range);
      x[i] = in - (1.0 - dmath::dbToGainInline(-cut)) * hp;
    } else {
      cut = 0.0;  // x[i] stays the input, bit for bit
    }
  }
  envelope_ = env;
  reductionDb_ = cut;
}

// The same per-sample arithmetic as process() with nothing gliding: the first sidechain
// section and the split low-pass, which both filter the input, run as the two lanes of one
// Pair (bit-identical to the scalar filters), the second section as a local copy; the
// settings are constants.
void DeEsser::processSettled(double* x, int n) {
  Biquad& side1 = sidechain1_.settledFilter();
  Biquad& split = split_.settledFilter();
  BiquadLanes sideAndSplit(side1, split);
  Biquad side2 = sidechain2_.settledFilter();
  const double aA = attackCoef_, aR = releaseCoef_;
  const double thresholdLin = thresholdLin_, thresholdDb = threshold_.current();
  const double range = range_.current();
  double env = envelope_;
  double cut = reductionDb_;
  for (int i = 0; i < n; ++i) {
    const double in = x[i];
    const Pair firsts = sideAndSplit.process(splat(in));
    const double side = std::fabs(side2.process(firsts[0]));
    const double hp = in - firsts[1];

    env = side > env ? aA * env + (1.0 - aA) * side : aR * env + (1.0 - aR) * side;
    if (env < 1e-30) env = 0.0;

    if (env > thresholdLin && range > 0.0) {
      cut = std::clamp(dmath::gainToDbInline(env) - thresholdDb, 0.0, range);
      x[i] = in - (1.0 - dmath::dbToGainInline(-cut)) * hp;
    } else {
      cut = 0.0;
    }
  }
  sideAndSplit.storeState(side1, split);
  sidechain2_.settledFilter() = side2;
  envelope_ = env;
  reductionDb_ = cut;
}

}  // namespace vocalmix
