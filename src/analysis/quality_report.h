// QualityAnalyzer — the measurable "good mix" checks of QUALITY.md over a whole file, computed
// while streaming with bounded memory: loudness (via LoudnessMeter), peaks, DC, noise floor
// against voice level, stereo balance and centring, a three-band spectral balance, NaN/Inf.
// Memory: one float per 50 ms frame (72 000 floats for an hour) plus LoudnessMeter's one double
// per 100 ms. Cost: about 55 instructions per stereo frame here (the band split runs two biquads
// at a time as Pair lanes) plus LoudnessMeter's.
//
// Definitions (all levels in dB; "dBFS" here is 20·log10 of RMS, so a full-scale sine reads
// −3.01 dBFS RMS — only the ratios matter for the checks):
// - mid signal: the mean of all channels ((L+R)/2 for stereo, the channel itself for mono).
// - noiseFloorDb / voiceLevelDb: RMS of the mid signal in 50 ms frames; the 10th and 90th
//   percentile of the frames between the first and the last frame that is not digital silence
//   (leading/trailing zero padding is not a "pause"; silent pauses inside the file are).
//   noiseToVoiceDb = noiseFloorDb − voiceLevelDb (lower is cleaner).
// - balanceDb: 10·log10(energy L / energy R); 0 for mono. midSideDb: 10·log10(energy of
//   (L+R)/2 over energy of (L−R)/2); identical channels (and mono, and silence) report
//   +kLimitDb = 200, pure side content −200. Channels beyond the first two are ignored here.
// - spectral*Db: energy of the mid signal below 250 Hz, 250 Hz–4 kHz and above 4 kHz, each
//   relative to the sum of the three (so the three powers add up to 0 dB). Bands come from
//   2nd-order Butterworth low/high-pass pairs (power-complementary) at 250 Hz and 4 kHz; the
//   upper split moves down to 0.45·fs for rates below 8.9 kHz.
// - dcOffset: the largest |mean| over channels (linear, full scale = 1).
//
// No field is ever NaN or ±inf: where a level does not exist (silence, too little audio) it is
// clamped to kFloorDb = −200 (LUFS, dB), and ratios to ±200 — JSON has no infinity, and −200 is
// far below anything real, so consumers can compare numbers without special cases. NaN/Inf
// samples are counted (hasNanOrInf) and measured as 0 so the rest of the report stays usable.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "analysis/loudness_meter.h"
#include "dsp/pair.h"

namespace vocalmix::analysis {

inline constexpr double kFloorDb = -200.0;
inline constexpr double kLimitDb = 200.0;

struct QualityReport {
  int sampleRate = 0;
  int channels = 0;
  double durationSeconds = 0.0;
  double integratedLufs = kFloorDb;
  double lra = 0.0;
  double maxShortTermLufs = kFloorDb;
  double maxMomentaryLufs = kFloorDb;
  double truePeakDbtp = kFloorDb;
  double samplePeakDbfs = kFloorDb;
  double dcOffset = 0.0;
  double noiseFloorDb = kFloorDb;
  double voiceLevelDb = kFloorDb;
  double noiseToVoiceDb = 0.0;
  double balanceDb = 0.0;
  double midSideDb = kLimitDb;
  double spectralLowDb = kFloorDb;
  double spectralMidDb = kFloorDb;
  double spectralHighDb = kFloorDb;
  bool hasNanOrInf = false;
};

// Keys: sample_rate, channels, duration_s, integrated_lufs, lra, max_short_term_lufs,
// max_momentary_lufs, true_peak_dbtp, sample_peak_dbfs, dc_offset, noise_floor_db,
// voice_level_db, noise_to_voice_db, balance_db, mid_side_db, spectral_low_db,
// spectral_mid_db, spectral_high_db, has_nan_or_inf. Every value is a finite number or a bool.
nlohmann::json toJson(const QualityReport& r);

class QualityAnalyzer {
 public:
  // Throws std::invalid_argument for channels outside 1..64 or a rate outside 8000..384000 Hz.
  QualityAnalyzer(int sampleRate, int channels);

  void addFrames(const float* interleaved, int64_t frames);
  QualityReport finish() const;

 private:
  // Two biquads (transposed direct form II, as Biquad::process) as the lanes of one Pair.
  struct SplitPair {
    Pair b0, b1, b2, a1, a2;
    Pair s1{}, s2{};
  };
  void addFinite(const float* interleaved, int64_t frames);
  template <int kChannels>
  void addRun(const float* interleaved, int64_t frames);

  int sampleRate_;
  int channels_;
  LoudnessMeter meter_;
  int64_t frames_ = 0;
  bool nonFinite_ = false;
  std::vector<double> channelSum_;
  double energyL_ = 0.0, energyR_ = 0.0, energyMid_ = 0.0, energySide_ = 0.0;
  // 50 ms frame levels of the mid signal (mean square).
  int64_t levelFrameLength_;
  int64_t levelFill_ = 0;
  double levelAccum_ = 0.0;
  std::vector<float> frameMeanSquare_;
  // Band split of the mid signal: (low-pass, high-pass) at 250 Hz on (mid, mid), then
  // (low-pass, high-pass) at the upper split on (250 Hz high-passed mid, mid). Filter state
  // under 1e-30 is flushed every 256 frames, not every sample, as in dsp/k_weighting.h (these
  // Butterworth sections' poles have radius ≥ 0.41, so no state reaches denormals in between).
  SplitPair split250_, splitHigh_;
  int flushPhase_ = 0;
  double energyLow_ = 0.0, energyBand_ = 0.0, energyHigh_ = 0.0;
  std::vector<float> scratch_;  // finite copy of a block that held NaN/Inf
};

}  // namespace vocalmix::analysis
