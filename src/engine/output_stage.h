// OutputStage — the end of the chain: loudness-normalisation gain, the true-peak limiter and a
// final DC blocker per channel; anything under -400 dB becomes exact digital silence. The live
// chain runs it inline; the offline render runs it on its own over the stored chain output, so
// it can try normalisation gains cheaply without re-running the whole chain.
// Latency: the limiter's lookahead.
#pragma once

#include "dsp/dc_blocker.h"
#include "dsp/smoothed.h"
#include "dsp/true_peak_limiter.h"

namespace vocalmix {

class OutputStage {
 public:
  // The limiter aims this far under the ceiling, so that any BS.1770 true-peak meter (whose
  // interpolation filters differ from the limiter's detector) reads at or under the ceiling.
  static constexpr double kTruePeakMarginDb = 0.3;
  static constexpr double kDcCornerHz = 2.0;
  static constexpr double kLookaheadMs = 5.0;
  static constexpr double kReleaseMs = 80.0;

  void prepare(double sampleRate, int maxBlock);
  void reset();  // clears state; gains jump to their targets
  void setGainDb(double db);          // glides (50 ms)
  void setCeilingDbtp(double dbtp);   // glides inside the limiter
  void process(double* left, double* right, int n);  // in place
  int latency() const { return limiter_.latency(); }
  double limiterReductionDb() const { return limiter_.gainReductionDb(); }

 private:
  double gainDb_ = 0.0;
  Smoothed gain_;
  TruePeakLimiter limiter_;
  StereoDcBlocker dc_;
};

}  // namespace vocalmix
