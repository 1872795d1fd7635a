// IntegratedLoudness — programme loudness per ITU-R BS.1770-4 (gated, integrated) and nothing
// else, for the offline mix's measurements (the input vocal, the beat, each exact pass of the
// output stage; the chain's output is measured by render/output_model.h with the same gating).
// LoudnessMeter also keeps the 10 ms grid for momentary/short-term maxima
// and true peak; this one is K-weighting (dsp/k_weighting.h, both channels as the two lanes of
// one filter), 100 ms sub-block energies, and the gating at the end (gatedLoudness below):
//   blocks of 400 ms every 100 ms (from the 4th sub-block on), absolute gate −70 LUFS, relative
//   gate 10 LU under the mean of the blocks above it, L = −0.691 + 10·log10(mean energy).
// A sub-block is (rate + 5) / 10 frames, rounded as libebur128 does. Mono and stereo (L, R
// with weight 1.0), as LoudnessMeter measures them. All arithmetic is +−×÷ and dmath, so
// native and WASM read the same bits. Agreement with libebur128 is tested in
// tests/analysis/integrated_loudness_test.cpp (within 0.001 LU). Memory: one double per
// 100 ms (≈ 290 KB for an hour). Cost: about 35 instructions per frame, mono or stereo.
#pragma once

#include <cstdint>
#include <vector>

#include "dsp/k_weighting.h"

namespace vocalmix::analysis {

class IntegratedLoudness {
 public:
  // channels: 1 or 2. Throws std::invalid_argument otherwise, or for a rate outside
  // 8000..384000 Hz.
  IntegratedLoudness(int sampleRate, int channels);

  void addFrames(const float* interleaved, int64_t frames);
  void addStereo(const float* left, const float* right, int frames);  // right unused for mono

  // Gated integrated loudness in LUFS; −∞ for silence or less than 400 ms of audio.
  double lufs() const;

 private:
  template <class Filter>
  void add(int64_t frames, Filter filter);

  int channels_;
  int64_t subBlockFrames_;
  int64_t fill_ = 0;
  KWeightingPair filter_;          // stereo: L, R; mono: the channel and silence
  std::vector<double> subBlocks_;  // K-weighted energy sums of completed 100 ms sub-blocks
};

// BS.1770-4 gating (the method above) over the K-weighted, channel-weighted energy sums of
// consecutive 100 ms sub-blocks of `subBlockFrames` frames each. −∞ when no block passes.
double gatedLoudness(const std::vector<double>& subBlockSums, int64_t subBlockFrames);

}  // namespace vocalmix::analysis
