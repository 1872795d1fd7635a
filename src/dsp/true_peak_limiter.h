// TruePeakLimiter — stereo-linked lookahead limiter that keeps the reconstructed (true) peak
// under the ceiling. Detection runs on a 4× interpolation of the signal (as ITU-R BS.1770-4
// Annex 2, but sharper: two half-band stages, the first spanning ±32 samples and flat to 22 kHz
// at 48 kHz) with a parabolic refinement of each 4× local maximum near the ceiling, so
// inter-sample peaks are caught. The required gain ceiling/peak is held at its minimum over the
// window, released exponentially, and smoothed by a moving average that reaches the target
// before the peak leaves the lookahead delay.
// Cost: the 4× values take ~44 two-lane multiply-adds per stereo frame (~330 instructions),
// but only frames where they could reach the refinement gate compute them: a cheap bound (the
// signed cubic interpolation at each 4× point plus a term for how far the signal is from
// cubic: the span's largest second difference) skips the rest, exactly (detectPeak()). On
// the test vocal ~99.9 % (modern_clean) to ~98.6 % (trap_aggressive) of frames are skipped;
// detection then averages ~85 instructions per frame (~40 of them keeping the bound's span
// maxima), the whole limiter ~185 (the gain path, running through every release tail, ~60).
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
  // Tests only: false computes every 4× value (the reference the skipping must match bit for
  // bit). Takes effect at once.
  void setDetectorSkipping(bool on);
  int latency() const { return latency_; }
  double gainReductionDb() const { return reductionDb_; }  // current, >= 0

 private:
  void configure();
  struct DetectorState;
  double detectPeak(double left, double right, DetectorState& d);
  void updateCeilingLevels(double ceilingDb);

  double sampleRate_ = 48000.0;
  double lookaheadMs_ = 1.5;
  double releaseMs_ = 100.0;
  double releaseCoef_ = 0.0;
  Smoothed ceilingDb_;
  double ceiling_ = 1.0;     // linear
  double refineGate_ = 0.0;  // 4× maxima above this get the parabolic refinement
  double skipGate_ = 0.0;    // a frame is skipped when its 4× bound is at most this
  double crudeGate_ = 0.0;   // … which a span whose max |sample| is at most this guarantees
  bool skipping_ = true;

  // Interpolator state. Left and right travel together as two-lane vectors (GCC/Clang vector
  // extension: element-wise IEEE arithmetic, so results are the same as scalar code).
  typedef double Frame __attribute__((vector_size(16)));
  double coef1_[kPairs1] = {};  // odd taps of the half-bands (centre taps are ½)
  double coef2_[kPairs2] = {};
  Frame coefPairs1_[kPairs1] = {};  // the same taps in both lanes (saves a splat per tap)
  Frame coefPairs2_[kPairs2] = {};
  // Input history: the window of the current frame plus kStale older frames, whose 2× values
  // are recomputed when detection resumes after skipped frames.
  static constexpr int kStale = 6;  // skipped 2× values a resumed frame still reads
  static constexpr int kRing1 = 2 * kPairs1 + kStale + 2;
  Frame ring1_[2 * kRing1] = {};  // doubled rings: every window is contiguous
  Frame ring2_[4 * kPairs2] = {};
  Frame prev_[2] = {};  // last frame's two latest 4× values (stale while skipping)
  double interpolationBound_ = 1.0;  // max |4× value| / max |sample|

  // Skip bound (see updateCeilingLevels() and detectPeak()). Every 4× value v = Σ h·x equals
  // its cubic interpolation g·x plus Σ f·Δ²x (h − g has no constant or linear part), so
  // |v| ≤ |g·x| + Σ|f|·max|Δ²x| + kappa_·max|x|; the last term covers rounding.
  double curveQuarter_ = 0.0;  // Σ|f| for the ±¼ points
  double curveHalf_ = 0.0;     // Σ|f| for the ½ points
  double kappa_ = 0.0;
  // Running maxima of |x| and |Δ²x| per lane: the current block of kBlock frames and the
  // kBlocks before it, so max(older, current) covers at least the detector's 69-frame span.
  static constexpr int kBlock = 16, kBlocks = 5;
  Frame blockX_[kBlocks] = {}, blockD_[kBlocks] = {};
  // The detector's per-frame state, copied to a local in process() so that it stays in
  // registers (stores to the audio buffers could otherwise alias it).
  struct DetectorState {
    Frame curX = {}, curD = {};      // maxima over the current block
    Frame olderX = {}, olderD = {};  // maxima over the kBlocks before it
    Frame prevHalf = {};  // bound on (or the value of) the last frame's ½ point, per lane
    int pos1 = 0, pos2 = 0;
    int stale = 0;  // frames skipped since the 4× values were last computed (≤ kStale)
    int blockFill = 0, blockSlot = 0;
  };
  DetectorState detector_;

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
