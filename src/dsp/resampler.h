// Resampler — streaming sample-rate conversion by a rational ratio (e.g. a 44.1 kHz beat under
// a 48 kHz vocal). Each output sample's input position is tracked as an exact fraction
// (integer numerator and denominator), so there is no drift however long the file: output k
// sits exactly at input k·inRate/outRate. Kaiser-windowed sinc spanning 48 samples of the lower
// rate, cut-off at 0.45 of the lower rate; the filter phases are precomputed with dmath
// (identical natively and in WASM). Cost: 48–~200 multiply-adds per output sample per channel.
// Not for the audio thread: push() may allocate.
#pragma once

#include <cstdint>
#include <vector>

namespace vocalmix {

class Resampler {
 public:
  static constexpr int kBaseTaps = 48;
  static constexpr int kMaxPhases = 4096;

  // Allocates; channels 1 or 2.
  void prepare(int inRate, int outRate, int channels);
  void reset();
  // How many output frames `inFrames` input frames become (rounded up).
  int64_t outputFramesFor(int64_t inFrames) const;
  // Appends interleaved input frames to the internal history.
  void push(const float* interleaved, int frames);
  // Writes up to `maxFrames` interleaved output frames; returns how many were ready.
  // After the last push, call finish() so the tail can be produced (zero-padded).
  int pull(float* interleaved, int maxFrames);
  void finish();
  // Group delay is compensated internally: output frame 0 corresponds to input time 0.

 private:
  double sampleAt(int channel, int64_t index) const;

  int inRate_ = 48000, outRate_ = 48000, channels_ = 2;
  int64_t num_ = 1, den_ = 1;  // input advance per output sample = num_/den_ (reduced)
  int taps_ = kBaseTaps;
  int phases_ = 1;
  bool interpolatePhases_ = false;
  std::vector<double> table_;   // (phases_ + 1) × taps_
  std::vector<float> history_;  // interleaved input frames from historyStart_ on
  int64_t historyStart_ = 0;
  int64_t pushed_ = 0;          // input frames received
  int64_t produced_ = 0;        // output frames produced
  bool finished_ = false;
};

}  // namespace vocalmix
