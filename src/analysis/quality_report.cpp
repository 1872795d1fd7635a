// QualityAnalyzer — streaming measurements for the quality report; definitions in the header.
#include "analysis/quality_report.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "dsp/biquad.h"

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

// Frames between flushes of tiny filter state (as KWeightingPair, dsp/k_weighting.h).
constexpr int kFlushFrames = 256;

// No NaN or ±inf among the samples: none has an exponent field of all ones (adding one to
// that field then carries into the sign bit). Branch-free so it vectorises; std::all_of
// stops early, so it cannot.
bool allFinite(const float* x, size_t n) {
  typedef uint32_t Bits4 __attribute__((vector_size(16)));
  constexpr Bits4 kExponent = {0x7f800000u, 0x7f800000u, 0x7f800000u, 0x7f800000u};
  constexpr Bits4 kOne = {0x00800000u, 0x00800000u, 0x00800000u, 0x00800000u};
  Bits4 carry4{};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    Bits4 bits;
    std::memcpy(&bits, x + i, sizeof bits);
    carry4 |= (bits & kExponent) + kOne;
  }
  uint32_t carry = carry4[0] | carry4[1] | carry4[2] | carry4[3];
  for (; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    carry |= (bits & 0x7f800000u) + 0x00800000u;
  }
  return (carry & 0x80000000u) == 0;
}

// Biquad::process's arithmetic on each lane (lane coefficients may differ).
template <class PB>
inline Pair processPair(PB& f, Pair& s1, Pair& s2, Pair x) {
  const Pair y = f.b0 * x + s1;
  s1 = f.b1 * x - f.a1 * y + s2;
  s2 = f.b2 * x - f.a2 * y;
  return y;
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
  const auto lanes = [&](SplitPair& f, FilterType t0, double hz0, FilterType t1, double hz1) {
    const auto c0 = BiquadCoefficients::design(t0, sr, hz0, kButterworthQ, 0.0);
    const auto c1 = BiquadCoefficients::design(t1, sr, hz1, kButterworthQ, 0.0);
    f.b0 = Pair{c0.b0, c1.b0};
    f.b1 = Pair{c0.b1, c1.b1};
    f.b2 = Pair{c0.b2, c1.b2};
    f.a1 = Pair{c0.a1, c1.a1};
    f.a2 = Pair{c0.a2, c1.a2};
  };
  lanes(split250_, FilterType::LowPass, kSplitLowHz, FilterType::HighPass, kSplitLowHz);
  lanes(splitHigh_, FilterType::LowPass, high, FilterType::HighPass, high);
}

void QualityAnalyzer::addFrames(const float* interleaved, int64_t frames) {
  if (frames <= 0) return;
  const size_t n = static_cast<size_t>(frames) * static_cast<size_t>(channels_);
  if (allFinite(interleaved, n)) {
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
  // Runs that end where a 50 ms level frame or a flush interval ends: branch-free inner loops.
  while (frames > 0) {
    const int64_t n = std::min({frames, levelFrameLength_ - levelFill_,
                                static_cast<int64_t>(kFlushFrames - flushPhase_)});
    if (channels_ == 1) {
      addRun<1>(in, n);
    } else if (channels_ == 2) {
      addRun<2>(in, n);
    } else {
      addRun<0>(in, n);
    }
    in += n * channels_;
    frames -= n;
    levelFill_ += n;
    if (levelFill_ == levelFrameLength_) {
      frameMeanSquare_.push_back(static_cast<float>(levelAccum_ / levelFrameLength_));
      levelAccum_ = 0.0;
      levelFill_ = 0;
    }
    flushPhase_ += static_cast<int>(n);
    if (flushPhase_ == kFlushFrames) {
      flushPhase_ = 0;
      for (SplitPair* f : {&split250_, &splitHigh_}) {
        f->s1 = flushBelow(f->s1, 1e-30);
        f->s2 = flushBelow(f->s2, 1e-30);
      }
    }
  }
}

// One run of frames; kChannels = 1 or 2, or 0 for any other count. Every accumulator is a
// running sum in frame order, as a per-frame loop over doubles would make it.
template <int kChannels>
void QualityAnalyzer::addRun(const float* in, int64_t frames) {
  const int channels = kChannels > 0 ? kChannels : channels_;
  const double inv = 1.0 / channels;
  Pair dc{channelSum_[0], kChannels == 2 ? channelSum_[1] : 0.0};
  Pair energyLR{energyL_, energyR_}, energyMS{energyMid_, energySide_};
  Pair energyLow{energyLow_, 0.0}, energyBandHigh{energyBand_, energyHigh_};
  double level = levelAccum_;
  const SplitPair lo = split250_, hi = splitHigh_;
  Pair s1 = lo.s1, s2 = lo.s2, t1 = hi.s1, t2 = hi.s2;
  for (int64_t f = 0; f < frames; ++f, in += channels) {
    double mid, midSquare;
    if constexpr (kChannels == 1) {
      mid = in[0];
      midSquare = mid * mid;
      dc[0] += mid;
    } else if constexpr (kChannels == 2) {
      const Pair lr = loadFloatPair(in);
      dc += lr;
      energyLR += lr * lr;
      // ((L+R)/2, (L−R)/2): R·(−1) and L + (−R) are exact, so this is L − R's rounding.
      const Pair l2 = __builtin_shufflevector(lr, lr, 0, 0);
      const Pair r2 = __builtin_shufflevector(lr, lr, 1, 1) * Pair{1.0, -1.0};
      const Pair ms = 0.5 * (l2 + r2);
      const Pair ms2 = ms * ms;
      energyMS += ms2;
      mid = ms[0];  // the mean of the two channels
      midSquare = ms2[0];
    } else {
      double sum = 0.0;
      for (int c = 0; c < channels; ++c) {
        channelSum_[static_cast<size_t>(c)] += in[c];
        sum += in[c];
      }
      mid = sum * inv;
      midSquare = mid * mid;
      const double l = in[0], r = in[1];
      energyLR += Pair{l * l, r * r};
      const double m = 0.5 * (l + r), s = 0.5 * (l - r);
      energyMS += Pair{m * m, s * s};
    }
    level += midSquare;
    const Pair a = processPair(lo, s1, s2, Pair{mid, mid});  // (< 250 Hz, > 250 Hz)
    const Pair b = processPair(hi, t1, t2, Pair{a[1], mid});  // (250 Hz – split, > split)
    energyLow += a * a;
    energyBandHigh += b * b;
  }
  if constexpr (kChannels > 0) {
    channelSum_[0] = dc[0];
    if constexpr (kChannels == 2) channelSum_[1] = dc[1];
  }
  if (channels >= 2) {
    energyL_ = energyLR[0];
    energyR_ = energyLR[1];
    energyMid_ = energyMS[0];
    energySide_ = energyMS[1];
  }
  levelAccum_ = level;
  energyLow_ = energyLow[0];
  energyBand_ = energyBandHigh[0];
  energyHigh_ = energyBandHigh[1];
  split250_.s1 = s1;
  split250_.s2 = s2;
  splitHigh_.s1 = t1;
  splitHigh_.s2 = t2;
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
