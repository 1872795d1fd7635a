// Detection: peak follower (attack 1 ms, release 60 ms — the usual de-esser ballistics, fast
// enough to catch an "s" onset, slow enough not to modulate within one) on the band-passed
// signal; above the threshold the cut is the excess in dB (an infinite-ratio limiter on the
// sibilance band), capped at the range.
#include "dsp/de_esser.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "dsp/dmath.h"
#include "dsp/dmath_pair.h"
#include "dsp/pair.h"
#include "dsp/pair_biquad.h"

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

// The same per-sample arithmetic as process() with nothing gliding, in runs of up to kRun
// samples and two passes. The first runs the recurrences: the first sidechain section and the
// split low-pass, which both filter the input, as the two lanes of one Pair (bit-identical to
// the scalar filters), the second section on a Pair of its own, and the envelope; it keeps the
// low-pass output and the envelope per sample and notes the run's highest envelope. Most runs
// stay under the threshold (the output is then the input, untouched). Otherwise the second
// pass turns the samples above it down: where the envelope is so far over the threshold that
// the cut is surely the whole range (see fullLin below) with a constant gain, else two at a
// time with logPair and expPairInRange, lane for lane the scalar gainToDbInline and
// dbToGainInline.
void DeEsser::processSettled(double* x, int n) {
  Biquad& side1 = sidechain1_.settledFilter();
  Biquad& split = split_.settledFilter();
  Biquad& side2 = sidechain2_.settledFilter();
  PairBiquad sideAndSplit(side1, split);
  // The second section on both lanes of a Pair (the same bits in each; a Pair operation costs
  // what a scalar one does), so it gets the same unflushed form.
  PairBiquad second(side2, side2);
  const double aA = attackCoef_, aR = releaseCoef_, bA = 1.0 - aA, bR = 1.0 - aR;
  const double thresholdLin = thresholdLin_, thresholdDb = threshold_.current();
  const double range = range_.current();
  const bool reducing = range > 0.0;
  double env = envelope_;
  double cut = reductionDb_;

  // Envelopes at or above fullLin are at least range + 0.01 dB over the threshold, so the cut
  // clamps to exactly the range: gainToDbInline is within ~1e-12 dB of the true level and
  // dbToGain within ~1e-15 relative, far inside the 0.01 dB margin. Computed on first need.
  double fullLin = -1.0, fullKeep = 0.0;  // fullKeep = 1 − dbToGainInline(−range)
  const dmath::PairConstants& c = laneConstants_;

  constexpr int kRun = 64;
  double lows[kRun], envs[kRun];
  int over[kRun];
  for (int i = 0; i < n;) {
    const int len = std::min(kRun, n - i);
    double* y = x + i;
    double peak = 0.0;  // the run's highest envelope (a NaN envelope is never above anything)
    // The recurrences, first without the filters' s1 flush (its compare and blend sat on each
    // filter's per-sample chain, which bounds this loop); if the flush would have changed a
    // value, the run is redone exactly from the state it started with. Nothing but locals is
    // written here, so the redo starts clean.
    const auto recurrences = [&](auto exact) {
      PairMask flushed{0, 0};
      for (int k = 0; k < len; ++k) {
        const double in = y[k];
        Pair firsts, seconds;
        if constexpr (decltype(exact)::value) {
          firsts = sideAndSplit.process(splat(in));
          seconds = second.process(splat(firsts[0]));
        } else {
          firsts = sideAndSplit.processUnflushed(splat(in), flushed);
          seconds = second.processUnflushed(splat(firsts[0]), flushed);
        }
        const double side = std::fabs(seconds[0]);
        lows[k] = firsts[1];
        env = side > env ? aA * env + bA * side : aR * env + bR * side;
        if (env < 1e-30) env = 0.0;
        envs[k] = env;
        peak = env > peak ? env : peak;
      }
      return (flushed[0] | flushed[1]) == 0;
    };
    const PairBiquad sideAndSplitBefore = sideAndSplit, secondBefore = second;
    const double envBefore = env;
    if (!recurrences(std::false_type())) {
      sideAndSplit = sideAndSplitBefore;
      second = secondBefore;
      env = envBefore;
      peak = 0.0;
      recurrences(std::true_type());
    }
    cut = 0.0;  // unless the run's last sample is turned down
    if (reducing && peak > thresholdLin) {
      int count = 0;
      for (int k = 0; k < len; ++k) {
        over[count] = k;
        count += envs[k] > thresholdLin;
      }
      if (fullLin < 0.0) {
        fullLin = dmath::dbToGain(thresholdDb + range + 0.01);
        fullKeep = 1.0 - dmath::dbToGainInline(-range);
      }
      // Full cuts at once; the partial ones are compacted in `over` for the pair pass.
      int partial = 0;
      for (int j = 0; j < count; ++j) {
        const int k = over[j];
        if (envs[k] >= fullLin) {
          y[k] = y[k] - fullKeep * (y[k] - lows[k]);
          if (k == len - 1) cut = range;
        } else {
          over[partial++] = k;
        }
      }
      const auto turnDown = [&](int k) {  // the scalar form, for an odd one out
        const double in = y[k];
        const double kCut = std::clamp(dmath::gainToDbInline(envs[k]) - thresholdDb, 0.0, range);
        y[k] = in - (1.0 - dmath::dbToGainInline(-kCut)) * (in - lows[k]);
        if (k == len - 1) cut = kCut;
      };
      int j = 0;
      for (; j + 2 <= partial; j += 2) {
        // thresholdLin < env < fullLin: positive, normal and finite, as logPair needs.
        const int k0 = over[j], k1 = over[j + 1];
        const Pair e{envs[k0], envs[k1]};
        const Pair db = splat(20.0) * (dmath::logPair(e, c) * splat(1.0 / dmath::kLn10));
        const Pair cuts = minPair(maxPair(db - splat(thresholdDb), splat(0.0)), splat(range));
        // The cut is within [0, 24] dB, inside expInline's fast domain.
        const Pair g = dmath::expPairInRange((-cuts) * splat(dmath::kLn10 / 20.0), c);
        const Pair in{y[k0], y[k1]};
        const Pair out = in - (splat(1.0) - g) * (in - Pair{lows[k0], lows[k1]});
        y[k0] = out[0];
        y[k1] = out[1];
        if (k1 == len - 1) cut = cuts[1];
      }
      if (j < partial) turnDown(over[j]);
    }
    i += len;
  }
  sideAndSplit.storeState(side1, split);
  Biquad unused = side2;  // lane 1 of `second` ran the same filter as lane 0, only as a pair
  second.storeState(side2, unused);
  envelope_ = env;
  reductionDb_ = cut;
}

}  // namespace vocalmix
