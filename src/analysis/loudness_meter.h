// LoudnessMeter — ITU-R BS.1770-4 / EBU R 128 loudness of a whole file, streaming: integrated
// loudness, loudness range (EBU Tech 3342), momentary and short-term loudness and their maxima,
// plus TruePeakMeter (analysis/true_peak.h) for true peak (4× oversampled) and sample peak.
// Conformance with EBU Tech 3341/3342 is tested in tests/analysis/loudness_meter_test.cpp, and
// agreement with libebur128 (integrated, LRA, maxima; the meter this one replaced) there too.
//
// Method. Each channel is K-weighted (dsp/k_weighting.h, channels two at a time as the lanes of
// one filter) and its squares are summed, per channel weight, over two grids of fed audio,
// independent of how the caller blocks its input:
// - 100 ms sub-blocks of (rate + 5) / 10 frames, as libebur128 rounds. Integrated loudness is
//   gatedLoudness() over them (analysis/integrated_loudness.h: 400 ms blocks every 100 ms,
//   gates −70 LUFS absolute and −10 LU relative). Loudness range takes the short-term loudness
//   of 30 consecutive sub-blocks (3 s) every 10 sub-blocks (1 s) — where libebur128 takes its
//   LRA blocks: at 3 s, 4 s, 5 s… — keeps those ≥ −70 LUFS and then those ≥ 20 LU under their
//   mean energy, and returns the 95th minus the 10th percentile (nearest rank, as libebur128).
// - 10 ms sub-blocks of rate / 100 frames, for M and S: after every complete one, M and S are
//   the mean energy of the last 40 and 300 (a window not yet full counts its missing part as
//   silence, as in libebur128), and their maxima (the "file-based meter" readings of Tech 3341)
//   are kept. That grid is fine enough for Tech 3341 case 13, where a 400 ms tone burst must
//   read −23.0 ±0.1 LUFS wherever it starts (a 100 ms grid can lose up to 0.6 dB there). For
//   rates that are not a multiple of 100 Hz the windows are up to 0.25 % short.
// momentaryLufs() and shortTermLufs() read M and S as of the last complete 10 ms sub-block.
//
// Channel weighting follows BS.1770: 1 → mono, 2 → L R, 5 → L R C Ls Rs, 6 → L R C LFE Ls Rs
// (LFE excluded), 8 → L R C LFE Lb Rb Ls Rs (sides weighted 1.41, +1.5 dB); other counts use
// weight 1.0 for every channel. Mono is measured as one channel (no dual-mono +3 dB).
//
// Readings are −∞ (never NaN) when there is no signal: silence, or less audio than the window.
// The caller must feed finite samples (QualityAnalyzer replaces NaN/Inf before metering).
// Cost: about 35 instructions per frame per channel pair for loudness, plus the 4× true-peak
// interpolation (36 multiply-adds per sample and channel where a new peak is possible).
// Memory: one double per 100 ms (≈ 290 KB for an hour) and a 3 s ring of 10 ms energies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "dsp/k_weighting.h"

namespace vocalmix::analysis {

class TruePeakMeter;

class LoudnessMeter {
 public:
  // Throws std::invalid_argument for channels outside 1..64 or a rate outside 8000..384000 Hz.
  // withPeaks = false skips true/sample-peak metering (the costly 4× oversampling), for
  // loudness-only passes; the peak getters then return -inf.
  LoudnessMeter(int sampleRate, int channels, bool withPeaks = true);
  LoudnessMeter(LoudnessMeter&& other) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&& other) noexcept;
  LoudnessMeter(const LoudnessMeter&) = delete;
  LoudnessMeter& operator=(const LoudnessMeter&) = delete;
  ~LoudnessMeter();

  void addFrames(const float* interleaved, int64_t frames);

  double integratedLufs() const;   // gated programme loudness (BS.1770-4)
  double loudnessRange() const;    // LU (EBU Tech 3342); 0 when undefined
  double momentaryLufs() const;    // last 400 ms (on the 10 ms grid)
  double shortTermLufs() const;    // last 3 s (on the 10 ms grid)
  double maxMomentaryLufs() const;
  double maxShortTermLufs() const;
  double truePeakDbtp() const;     // max over channels
  double samplePeakDbfs() const;   // max over channels

  int sampleRate() const { return sampleRate_; }
  int channels() const { return channels_; }
  int64_t framesFed() const { return framesFed_; }

 private:
  void filter(const float* in, int64_t frames);
  double takeWeightedEnergy();
  void closeSubBlock();
  double windowEnergy(size_t subBlocks) const;

  int sampleRate_ = 0;
  int channels_ = 0;
  int64_t framesFed_ = 0;
  std::vector<KWeightingPair> filters_;  // channels (0, 1), (2, 3), …; an odd last one alone
  std::vector<Pair> weights_;            // BS.1770 channel weights, lanes as in filters_
  std::unique_ptr<TruePeakMeter> peaks_;  // null without peaks
  // 100 ms grid: energy sums of the completed sub-blocks and of the one being filled.
  int64_t blockFrames_ = 0;
  int64_t blockFill_ = 0;
  double blockSum_ = 0.0;
  std::vector<double> blocks_;
  // 10 ms grid: a ring of the last 300 sub-block energy sums (stored twice, see closeSubBlock).
  int64_t subBlockFrames_ = 0;
  int64_t subBlockFill_ = 0;
  double subBlockSum_ = 0.0;
  std::vector<double> subEnergy_;
  size_t subIndex_ = 0;
  size_t subCount_ = 0;
  double maxMomentaryEnergy_ = 0.0;
  double maxShortTermEnergy_ = 0.0;
};

}  // namespace vocalmix::analysis
