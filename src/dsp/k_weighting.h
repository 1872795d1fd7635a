// K-weighting per ITU-R BS.1770-4: a high shelf (+4 dB above ~1.7 kHz) then the RLB high-pass
// (~38 Hz), designed for any rate from the standard's analogue parameters by the bilinear
// transform (the values libebur128 and most meters use). Shared by the live OutputMeter and the
// offline meters (IntegratedLoudness, LoudnessMeter).
//
// KWeightingPair runs the filter on two channels side by side (dsp/pair.h lanes) and sums each
// lane's squared output, frame after frame, until the sum is taken: what a BS.1770 meter needs,
// without a per-sample output, and the same bits however the input is blocked. Per lane it is
// Biquad::process's arithmetic, shelf then high-pass, with two exceptions that change nothing
// measurable: the high-pass's b = (1, −2, 1) are applied as such (exact, three multiplies
// fewer), and state below 1e-30 is flushed every kFlushFrames frames (counted from construction
// or reset(), not per call) instead of every sample, which cost a third of the filter. Between
// flushes a state shrinks by no more than 0.43^256 ≈ 1e-94 (0.43: the smallest pole radius of
// either filter, the shelf's at 8 kHz), so from 1e-30 it cannot reach the denormal range.
// Cost: about 35 instructions per frame for both lanes (x86-64, SSE2).
#pragma once

#include <cstddef>
#include <cstdint>

#include "dsp/biquad.h"
#include "dsp/pair.h"

namespace vocalmix {

BiquadCoefficients kWeightingShelf(double sampleRate);
BiquadCoefficients kWeightingHighPass(double sampleRate);

class KWeightingPair {
 public:
  static constexpr int kFlushFrames = 256;

  explicit KWeightingPair(double sampleRate);
  void reset();

  // Lanes 0 and 1 are the adjacent samples x[i·stride] and x[i·stride + 1] (an interleaved
  // channel pair; stride = the channel count).
  void addAdjacent(const float* x, ptrdiff_t stride, int64_t frames);
  // Lane 0 is x[i·stride], lane 1 silence (a mono signal, or the odd last channel).
  void addSingle(const float* x, ptrdiff_t stride, int64_t frames);
  // Lanes 0 and 1 are a[i] and b[i] (planar stereo).
  void addPlanar(const float* a, const float* b, int64_t frames);

  // Σ z² per lane since the last call (or construction), and starts a new sum.
  Pair takeSumOfSquares() {
    const Pair s = sum_;
    sum_ = Pair{0.0, 0.0};
    return s;
  }

 private:
  template <class Load>
  void run(Load load, int64_t frames);

  double b0_, b1_, b2_, a1_, a2_;  // shelf
  double c1_, c2_;                 // high-pass feedback (its b is 1, −2, 1)
  Pair s1_{}, s2_{}, h1_{}, h2_{};  // shelf and high-pass state
  Pair sum_{};
  int phase_ = 0;                   // frames since the last flush
};

}  // namespace vocalmix
