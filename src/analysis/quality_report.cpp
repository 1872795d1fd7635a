// QualityAnalyzer — streaming measurements for the quality report; definitions in the header.
#include "analysis/quality_report.h"

#include <algorithm>
#include <cmath>

namespace vocalmix::analysis {

namespace {

constexpr double kSplitLowHz = 250.0;
constexpr double kSplitHighHz = 4000.0;
constexpr double kButterworthQ = 0.70710678118654752440;
// A 50 ms frame whose mean square is at or below this is digital silence (−200 dBFS RMS).
constexpr double kSilentMeanSquare = 1e-20;

double clampDb(double db) {
  if (std::isnan(db)) return kFloorDb;
  return std::clamp(db, kFloorDb, kLimitDb);
}

double powerDb(double meanSquare) {
  return meanSquare > 0.0 ? clampDb(10.0 * std::log10(meanSquare)) : kFloorDb;
}

// 10·log10(a/b) for energies, with the empty cases pinned to the limits.
double ratioDb(double a, double b) {
  if (a <= 0.0 && b <= 0.0) return 0.0;
  if (b <= 0.0) return kLimitDb;
  if (a <= 0.0) return kFloorDb;
  return clampDb(10.0 * std::log10(a / b));
}

// Nearest-rank percentile (p in 0..1) of a copy of the values.
double percentile(std::vector<float> v, double p) {
  if (v.empty()) return 0.0;
  const auto k = static_cast<size_t>(std::floor(p * static_cast<double>(v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

QualityAnalyzer::QualityAnalyzer(int sampleRate, int channels)
    : sampleRate_(sampleRate),
      channels_(channels),
      meter_(sampleRate, channels),  // validates both
      channelSum_(static_cast<size_t>(channels), 0.0),
      levelFrameLength_(std::max<int64_t>(1, sampleRate / 20)) {
  const double sr = sampleRate;
  const double high = std::min(kSplitHighHz, 0.45 * sr);
  lowPass_.setCoefficients(
      BiquadCoefficients::design(FilterType::LowPass, sr, kSplitLowHz, kButterworthQ, 0.0));
  midHighPass_.setCoefficients(
      BiquadCoefficients::design(FilterType::HighPass, sr, kSplitLowHz, kButterworthQ, 0.0));
  midLowPass_.setCoefficients(
      BiquadCoefficients::design(FilterType::LowPass, sr, high, kButterworthQ, 0.0));
  highPass_.setCoefficients(
      BiquadCoefficients::design(FilterType::HighPass, sr, high, kButterworthQ, 0.0));
}

void QualityAnalyzer::addFrames(const float* interleaved, int64_t frames) {
  if (frames <= 0) return;
  const size_t n = static_cast<size_t>(frames) * static_cast<size_t>(channels_);
  const bool allFinite =
      std::all_of(interleaved, interleaved + n, [](float x) { return std::isfinite(x); });
  if (allFinite) {
    addFinite(interleaved, frames);
    return;
  }
  nonFinite_ = true;
  scratch_.assign(interleaved, interleaved + n);
  for (float& x : scratch_) {
    if (!std::isfinite(x)) x = 0.0f;
  }
  addFinite(scratch_.data(), frames);
}

void QualityAnalyzer::addFinite(const float* in, int64_t frames) {
  meter_.addFrames(in, frames);
  frames_ += frames;
  const double inv = 1.0 / channels_;
  for (int64_t f = 0; f < frames; ++f, in += channels_) {
    double sum = 0.0;
    for (int c = 0; c < channels_; ++c) {
      channelSum_[static_cast<size_t>(c)] += in[c];
      sum += in[c];
    }
    const double mid = sum * inv;
    if (channels_ >= 2) {
      const double l = in[0], r = in[1];
      energyL_ += l * l;
      energyR_ += r * r;
      const double m = 0.5 * (l + r), s = 0.5 * (l - r);
      energyMid_ += m * m;
      energySide_ += s * s;
    }
    levelAccum_ += mid * mid;
    if (++levelFill_ == levelFrameLength_) {
      frameMeanSquare_.push_back(static_cast<float>(levelAccum_ / levelFrameLength_));
      levelAccum_ = 0.0;
      levelFill_ = 0;
    }
    const double lo = lowPass_.process(mid);
    const double band = midLowPass_.process(midHighPass_.process(mid));
    const double hi = highPass_.process(mid);
    energyLow_ += lo * lo;
    energyBand_ += band * band;
    energyHigh_ += hi * hi;
  }
}

QualityReport QualityAnalyzer::finish() const {
  QualityReport r;
  r.sampleRate = sampleRate_;
  r.channels = channels_;
  r.durationSeconds = static_cast<double>(frames_) / sampleRate_;
  r.hasNanOrInf = nonFinite_;

  r.integratedLufs = clampDb(meter_.integratedLufs());
  r.lra = meter_.loudnessRange();  // finite by contract (0 when undefined)
  r.maxShortTermLufs = clampDb(meter_.maxShortTermLufs());
  r.maxMomentaryLufs = clampDb(meter_.maxMomentaryLufs());
  r.truePeakDbtp = clampDb(meter_.truePeakDbtp());
  r.samplePeakDbfs = clampDb(meter_.samplePeakDbfs());

  if (frames_ > 0) {
    for (double s : channelSum_) {
      r.dcOffset = std::max(r.dcOffset, std::abs(s / static_cast<double>(frames_)));
    }
  }

  // Frame levels: a trailing partial frame counts when it is at least half a frame (or when
  // it is all there is); leading and trailing digital silence are trimmed.
  std::vector<float> levels = frameMeanSquare_;
  if (levelFill_ > 0 && (2 * levelFill_ >= levelFrameLength_ || levels.empty())) {
    levels.push_back(static_cast<float>(levelAccum_ / levelFill_));
  }
  const auto audible = [](float ms) { return ms > kSilentMeanSquare; };
  const auto first = std::find_if(levels.begin(), levels.end(), audible);
  const auto last = std::find_if(levels.rbegin(), levels.rend(), audible).base();
  if (first < last) {
    std::vector<float> inside(first, last);
    r.noiseFloorDb = powerDb(percentile(inside, 0.10));
    r.voiceLevelDb = powerDb(percentile(std::move(inside), 0.90));
  }
  r.noiseToVoiceDb = r.noiseFloorDb - r.voiceLevelDb;

  if (channels_ >= 2) {
    r.balanceDb = ratioDb(energyL_, energyR_);
    r.midSideDb = energySide_ > 0.0 ? ratioDb(energyMid_, energySide_) : kLimitDb;
  }

  const double total = energyLow_ + energyBand_ + energyHigh_;
  if (total > 0.0) {
    r.spectralLowDb = powerDb(energyLow_ / total);
    r.spectralMidDb = powerDb(energyBand_ / total);
    r.spectralHighDb = powerDb(energyHigh_ / total);
  }
  return r;
}

nlohmann::json toJson(const QualityReport& r) {
  return nlohmann::json{
      {"sample_rate", r.sampleRate},
      {"channels", r.channels},
      {"duration_s", r.durationSeconds},
      {"integrated_lufs", r.integratedLufs},
      {"lra", r.lra},
      {"max_short_term_lufs", r.maxShortTermLufs},
      {"max_momentary_lufs", r.maxMomentaryLufs},
      {"true_peak_dbtp", r.truePeakDbtp},
      {"sample_peak_dbfs", r.samplePeakDbfs},
      {"dc_offset", r.dcOffset},
      {"noise_floor_db", r.noiseFloorDb},
      {"voice_level_db", r.voiceLevelDb},
      {"noise_to_voice_db", r.noiseToVoiceDb},
      {"balance_db", r.balanceDb},
      {"mid_side_db", r.midSideDb},
      {"spectral_low_db", r.spectralLowDb},
      {"spectral_mid_db", r.spectralMidDb},
      {"spectral_high_db", r.spectralHighDb},
      {"has_nan_or_inf", r.hasNanOrInf},
  };
}

}  // namespace vocalmix::analysis
