// TruePeakLimiter — stereo-linked lookahead limiter that keeps the reconstructed (true) peak
// under the ceiling. Detection runs on a 4× interpolation of the signal (as ITU-R BS.1770-4
// Annex 2, but sharper: two half-band stages, the first spanning ±32 samples and flat to 22 kHz
// at 48 kHz) with a parabolic refinement of each 4× local maximum near the ceiling, so
// inter-sample peaks are caught. The required gain ceiling/peak is held at its minimum over the
// window, released exponentially, and smoothed by a moving average that reaches the target
// before the peak leaves the lookahead delay.
// Cost: ~44 two-lane multiply-adds per stereo frame near the ceiling (~45 ns), ~8 ns when the
// signal is well below it.
// Latency: latency() = the lookahead (default 1.5 ms), both channels.
#pragma once

#include <vector>

#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

class TruePeakLimiter {
 public:
  static constexpr int kPairs1 = 32;  // fs → 2·fs half-band (coefficient pairs)
  static constexpr int kPairs2 = 6;   // 2·fs → 4·fs half-band
  // Input frames between a sample's arrival and its 4× neighbourhood being known.
  static constexpr int kDetectDelay = kPairs1 + kPairs2 / 2 - 1;
  static constexpr int kGuard = 8;  // samples each side of a peak held at its full gain
  static constexpr double kMaxLookaheadMs = 10.0;

  TruePeakLimiter();
  void prepare(double sampleRate, int maxBlock);
  void reset();

  void setCeiling(Decibels dBTP);    // −12..0
  void setRelease(Milliseconds r);   // 1..2000
  // Applied at the next prepare() or reset() (it changes latency()); 0.5..10 ms, and never
  // below the detector's own span (kDetectDelay + kGuard samples).
  void setLookahead(Milliseconds la);

  void process(double* left, double* right, int n);  // in place, delayed by latency()
  int latency() const { return latency_; }
  double gainReductionDb() const { return reductionDb_; }  // current, >= 0

 private:
  void configure();
  double detectPeak(double left, double right, bool quiet);
  void updateCeilingLevels(double ceilingDb);

  double sampleRate_ = 48000.0;
  double lookaheadMs_ = 1.5;
  double releaseMs_ = 100.0;
  double releaseCoef_ = 0.0;
  Smoothed ceilingDb_;
  double ceiling_ = 1.0;     // linear
  double quietLevel_ = 0.0;  // a sample below this cannot make a 4× value reach the gate
  double refineGate_ = 0.0;  // 4× maxima above this get the parabolic refinement

  // Interpolator state. Left and right travel together as two-lane vectors (GCC/Clang vector
  // extension: element-wise IEEE arithmetic, so results are the same as scalar code).
  typedef double Frame __attribute__((vector_size(16)));
  double coef1_[kPairs1] = {};  // odd taps of the half-bands (centre taps are ½)
  double coef2_[kPairs2] = {};
  Frame coefPairs1_[kPairs1] = {};  // the same taps in both lanes (saves a splat per tap)
  Frame coefPairs2_[kPairs2] = {};
  Frame ring1_[4 * kPairs1] = {};  // doubled rings: every window is contiguous
  Frame ring2_[4 * kPairs2] = {};
  int pos1_ = 0, pos2_ = 0;
  Frame prev_[2] = {};  // last frame's two latest 4× values
  int quietRun_ = 0;    // consecutive input frames below quietLevel_
  double interpolationBound_ = 1.0;  // max |4× value| / max |sample|

  // Gain path: sliding minimum (monotonic deque on a fixed ring), release, moving average.
  int average_ = 1, hold_ = 1, latency_ = 0;
  std::vector<double> dequeValue_;
  std::vector<long long> dequeIndex_;
  int dequeHead_ = 0, dequeSize_ = 0;
  long long frame_ = 0;
  double envelope_ = 1.0;
  std::vector<double> averageRing_;
  int averagePos_ = 0;
  double averageSum_ = 0.0;
  int onesRun_ = 0;    // consecutive 1.0 envelopes written to averageRing_ (capped)
  bool atRest_ = true;  // gain path settled at exactly 1: see process()
  std::vector<double> delay_;  // interleaved left/right frames
  int delayFrames_ = 0;
  int delayPos_ = 0;
  double gain_ = 1.0;
  double reductionDb_ = 0.0;
};

}  // namespace vocalmix
