// DownwardExpander — pulls breaths and room tone down between phrases: below the threshold the
// gain falls by (ratio − 1) dB per dB, with a 6 dB soft knee and at most `range` dB of cut.
// 5 ms RMS detector, gain smoothed in dB (attack = opening, release = closing).
// Cost: a few multiplies per sample; one log while the level is inside the curve's sloped part
// and one exp while the gain moves, two samples at a time on Pair lanes while the settings rest
// (~3–8 ns/sample at 48 kHz; the detector and the gain smoother are each a ~10-cycle serial
// chain per sample, the logs and exps hang off them). Zero latency.
#pragma once

#include "dsp/dmath_pair.h"
#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

class DownwardExpander {
 public:
  DownwardExpander();
  void prepare(double sampleRate, int maxBlock);
  void reset();
  void setThreshold(Decibels t);           // −100..0 dBFS (RMS); below this the gain falls
  void setRatio(double r);                 // 1..8 (1 = off)
  void setRange(Decibels maxAttenuation);  // 0..40, positive number = maximum cut
  void setAttack(Milliseconds a);          // time constant of the gain opening, default 2 ms
  void setRelease(Milliseconds r);         // time constant of the gain closing, default 120 ms
  void process(double* x, int n);
  double gainReductionDb() const { return gainDb_ < 0.0 ? -gainDb_ : 0.0; }

  // The static curve (gain in dB, ≤ 0) for an RMS level in dBFS; for meters and tests.
  static double staticGainDb(double levelDb, double thresholdDb, double ratio, double rangeDb);

 private:
  void updateCoefficients();
  void updateFlatEnds();

  Smoothed thresholdDb_, ratio_, rangeDb_;
  double sampleRate_ = 48000.0;
  double attackMs_ = 2.0, releaseMs_ = 120.0;
  double attackCoeff_ = 1.0, releaseCoeff_ = 1.0, detectorCoeff_ = 1.0;
  double kneeTopPower_ = 0.0;  // mean square at threshold + knee/2: at or above, gain 0 dB
  double floorPower_ = 0.0;    // mean square at or below which the gain is −range
  double meanSquare_ = 0.0;
  double gainDb_ = 0.0;
  double gain_ = 1.0;  // dbToGain(gainDb_), recomputed only when gainDb_ moves
  dmath::PairConstants laneConstants_;  // for the two-lane log and exp
};

}  // namespace vocalmix
