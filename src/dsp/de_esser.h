// DeEsser — split-band sibilance control. A 4th-order band-pass sidechain around the set
// frequency feeds a peak follower; the excess over the threshold (capped at the range) turns
// down ONLY the high band: out = x − (1 − g)·hp(x), with hp(x) = x − lp(x) the exact complement
// of a 2nd-order low-pass at 0.7·f, so with no reduction out == x bit for bit.
// Cost: three biquads and the envelope per sample (settled: two of the biquads run as one
// Pair, and their state flush is checked after each run instead of sitting on every sample's
// chain: ~5 ns, ~68 instructions), plus, only on samples being turned down, one log and one
// exp (~43 ns scalar; settled, two samples at a time on Pair lanes, and none at all where the
// cut is surely the whole range).
// Latency: none.
#pragma once

#include "dsp/biquad.h"
#include "dsp/dmath_pair.h"
#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

class DeEsser {
 public:
  // The split: a critically damped (Q = 0.5) low-pass at kSplitRatio·frequency. Its complement
  // has no overshoot-induced bump and leaves a 300 Hz voice fundamental within 0.04 dB even at
  // full range. Because the split is a minimum-phase IIR, the cut realised at a frequency ω is
  // |g + (1 − g)·LP(ω)| rather than g: about the range for ranges up to ~10 dB at the set
  // frequency, and limited to ≈ −11 dB there for deeper ranges (|LP| leaks ≈ 0.33 at f).
  static constexpr double kSplitRatio = 0.7;
  static constexpr double kSplitQ = 0.5;
  static constexpr double kSidechainQ = 1.0;  // per section; two sections in cascade

  DeEsser();
  void prepare(double sampleRate, int maxBlock);
  void reset();

  void setFrequency(Hz f);          // 4–10 kHz (clamped below 0.45·fs)
  void setThreshold(Decibels t);    // sidechain peak level, dBFS
  void setRange(Decibels maxCut);   // 0..24 dB

  void process(double* x, int n);
  double gainReductionDb() const { return reductionDb_; }  // current, >= 0

 private:
  void processSettled(double* x, int n);

  double sampleRate_ = 48000.0;
  double frequency_ = 6500.0;
  SmoothedBiquad sidechain1_, sidechain2_, split_;
  Smoothed threshold_, range_;
  double thresholdLin_ = 0.0;
  double attackCoef_ = 0.0, releaseCoef_ = 0.0;
  double envelope_ = 0.0;
  double reductionDb_ = 0.0;
  dmath::PairConstants laneConstants_;  // for the two-lane log and exp
};

}  // namespace vocalmix
