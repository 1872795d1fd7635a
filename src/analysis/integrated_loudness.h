// IntegratedLoudness — programme loudness per ITU-R BS.1770-4 (gated, integrated) and nothing
// else, for the offline mix's many measure-only passes (input analysis, chain output, each
// normalisation try). LoudnessMeter (libebur128) also keeps momentary/short-term/LRA state,
// which costs about four times as much per sample; this one is K-weighting (two biquads per
// channel), 100 ms sub-block energies, and the gating at the end:
//   blocks of 400 ms every 100 ms (from the 4th sub-block on), absolute gate −70 LUFS, relative
//   gate 10 LU under the mean of the blocks above it, L = −0.691 + 10·log10(mean energy).
// Mono and stereo (L, R with weight 1.0), as LoudnessMeter measures them. All arithmetic is
// +−×÷ and dmath, so native and WASM read the same bits. Agreement with libebur128 is tested
// in tests/analysis/integrated_loudness_test.cpp (within 0.001 LU). Memory: one double per
// 100 ms (≈ 290 KB for an hour).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dsp/biquad.h"

namespace vocalmix::analysis {

class IntegratedLoudness {
 public:
  // channels: 1 or 2. Throws std::invalid_argument otherwise, or for a rate outside
  // 8000..384000 Hz.
  IntegratedLoudness(int sampleRate, int channels);
  ~IntegratedLoudness();
  IntegratedLoudness(IntegratedLoudness&&) noexcept;

  void addFrames(const float* interleaved, int64_t frames);
  void addStereo(const float* left, const float* right, int frames);  // right unused for mono

  // Gated integrated loudness in LUFS; −∞ for silence or less than 400 ms of audio.
  double lufs() const;

 private:
  void closeSubBlock();

  int64_t subBlockFrames_;
  int64_t fill_ = 0;
  double sum_ = 0.0;
  Biquad shelf_, highPass_;              // mono
  struct StereoFilter;                    // both channels side by side
  std::unique_ptr<StereoFilter> stereo_;
  std::vector<double> subBlocks_;  // K-weighted energy sums of completed 100 ms sub-blocks
};

}  // namespace vocalmix::analysis
