// LoudnessMeter — see the header for the method and its references.
#include "analysis/loudness_meter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/integrated_loudness.h"
#include "analysis/true_peak.h"
#include "dsp/dmath.h"

namespace vocalmix::analysis {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr size_t kMomentaryBlocks = 40;   // 400 ms of 10 ms sub-blocks
constexpr size_t kShortTermBlocks = 300;  // 3 s
// Loudness range (EBU Tech 3342): 3 s windows of 100 ms sub-blocks, one every second.
constexpr size_t kRangeWindow = 30;
constexpr size_t kRangeHop = 10;
constexpr double kRangeAbsoluteGateLufs = -70.0;
constexpr double kRangeRelativeGate = 0.01;  // −20 LU as an energy ratio
// BS.1770-4 Table 3: channels at ±60°…±120° azimuth weigh 1.41 (+1.5 dB).
constexpr double kSideWeight = 1.41;

// BS.1770: L = −0.691 + 10·log10(Σ Gi·zi).
double energyToLufs(double energy) {
  return energy > 0.0 ? -0.691 + 10.0 * dmath::log10(energy) : kNegInf;
}
double lufsToEnergy(double lufs) { return dmath::exp((lufs + 0.691) * (dmath::kLn10 / 10.0)); }
double linearToDb(double v) { return v > 0.0 ? 20.0 * std::log10(v) : kNegInf; }

std::vector<double> channelWeights(int channels) {
  std::vector<double> w(static_cast<size_t>(channels), 1.0);
  if (channels == 5) {  // L R C Ls Rs
    w[3] = w[4] = kSideWeight;
  } else if (channels == 6) {  // L R C LFE Ls Rs
    w[3] = 0.0;
    w[4] = w[5] = kSideWeight;
  } else if (channels == 8) {  // L R C LFE Lb Rb Ls Rs: the backs (±135°) weigh 1.0
    w[3] = 0.0;
    w[6] = w[7] = kSideWeight;
  }
  return w;
}

}  // namespace

LoudnessMeter::LoudnessMeter(int sampleRate, int channels, bool withPeaks)
    : sampleRate_(sampleRate), channels_(channels) {
  if (channels < 1 || channels > 64) {
    throw std::invalid_argument("LoudnessMeter: unsupported channel count " +
                                std::to_string(channels));
  }
  if (sampleRate < 8000 || sampleRate > 384000) {
    throw std::invalid_argument("LoudnessMeter: unsupported sample rate " +
                                std::to_string(sampleRate) + " Hz");
  }
  const std::vector<double> w = channelWeights(channels);
  for (int c = 0; c < channels; c += 2) {
    filters_.emplace_back(sampleRate);
    weights_.push_back(Pair{w[static_cast<size_t>(c)], c + 1 < channels ? w[static_cast<size_t>(c) + 1] : 0.0});
  }
  if (withPeaks) peaks_ = std::make_unique<TruePeakMeter>(channels);
  blockFrames_ = (static_cast<int64_t>(sampleRate) + 5) / 10;
  subBlockFrames_ = sampleRate / 100;
  subEnergy_.assign(2 * kShortTermBlocks, 0.0);
}

LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;
LoudnessMeter::~LoudnessMeter() = default;

void LoudnessMeter::filter(const float* in, int64_t frames) {
  if (channels_ == 1) {
    filters_[0].addSingle(in, 1, frames);
    return;
  }
  for (int c = 0; c < channels_; c += 2) {
    KWeightingPair& f = filters_[static_cast<size_t>(c / 2)];
    if (c + 1 < channels_) {
      f.addAdjacent(in + c, channels_, frames);
    } else {
      f.addSingle(in + c, channels_, frames);
    }
  }
}

// Σ over channels of weight · Σ z² since the last grid boundary.
double LoudnessMeter::takeWeightedEnergy() {
  if (channels_ <= 2) {
    const Pair z = filters_[0].takeSumOfSquares();
    return z[0] + z[1];  // weights 1 (mono: lane 1 is silence)
  }
  Pair sum{0.0, 0.0};
  for (size_t k = 0; k < filters_.size(); ++k) sum += weights_[k] * filters_[k].takeSumOfSquares();
  return sum[0] + sum[1];
}

void LoudnessMeter::addFrames(const float* interleaved, int64_t frames) {
  if (filters_.empty()) throw std::logic_error("LoudnessMeter: used after being moved from");
  if (frames <= 0) return;
  if (peaks_) peaks_->addFrames(interleaved, frames);
  framesFed_ += frames;
  while (frames > 0) {
    // Runs end on both grids' boundaries; the energy is taken only there, so the sums do not
    // depend on the caller's blocking.
    const int64_t n = std::min({frames, subBlockFrames_ - subBlockFill_, blockFrames_ - blockFill_});
    filter(interleaved, n);
    interleaved += n * channels_;
    frames -= n;
    subBlockFill_ += n;
    blockFill_ += n;
    const bool subBlockDone = subBlockFill_ == subBlockFrames_;
    const bool blockDone = blockFill_ == blockFrames_;
    if (!subBlockDone && !blockDone) continue;
    const double e = takeWeightedEnergy();
    subBlockSum_ += e;
    blockSum_ += e;
    if (blockDone) {
      blocks_.push_back(blockSum_);
      blockSum_ = 0.0;
      blockFill_ = 0;
    }
    if (subBlockDone) closeSubBlock();
  }
}

void LoudnessMeter::closeSubBlock() {
  // A doubled ring: the newest `count` sums are always contiguous, ending at subIndex_ + 300.
  subEnergy_[subIndex_] = subEnergy_[subIndex_ + kShortTermBlocks] = subBlockSum_;
  subBlockSum_ = 0.0;
  subBlockFill_ = 0;
  subIndex_ = subIndex_ + 1 == kShortTermBlocks ? 0 : subIndex_ + 1;
  subCount_ = std::min(subCount_ + 1, kShortTermBlocks);
  maxMomentaryEnergy_ = std::max(maxMomentaryEnergy_, windowEnergy(kMomentaryBlocks));
  maxShortTermEnergy_ = std::max(maxShortTermEnergy_, windowEnergy(kShortTermBlocks));
}

// Mean square of the last `count` 10 ms sub-blocks, missing ones counting as silence. Summed
// afresh each time (340 adds per 10 ms): no running-sum drift.
double LoudnessMeter::windowEnergy(size_t count) const {
  const double* newest = subEnergy_.data() + subIndex_ + kShortTermBlocks - 1;
  double sum = 0.0;
  for (size_t k = 0; k < std::min(count, subCount_); ++k) sum += newest[-static_cast<std::ptrdiff_t>(k)];
  return sum / (static_cast<double>(count) * static_cast<double>(subBlockFrames_));
}

double LoudnessMeter::integratedLufs() const { return gatedLoudness(blocks_, blockFrames_); }

double LoudnessMeter::loudnessRange() const {
  const double absoluteGate = lufsToEnergy(kRangeAbsoluteGateLufs);
  const double frames = static_cast<double>(kRangeWindow) * static_cast<double>(blockFrames_);
  std::vector<double> st;
  for (size_t end = kRangeWindow; end <= blocks_.size(); end += kRangeHop) {
    double sum = 0.0;
    for (size_t k = end - kRangeWindow; k < end; ++k) sum += blocks_[k];
    const double e = sum / frames;
    if (e >= absoluteGate) st.push_back(e);
  }
  if (st.empty()) return 0.0;
  std::sort(st.begin(), st.end());
  double mean = 0.0;
  for (double e : st) mean += e;
  mean /= static_cast<double>(st.size());
  const auto first = std::lower_bound(st.begin(), st.end(), mean * kRangeRelativeGate);
  const auto n = static_cast<size_t>(st.end() - first);
  if (n == 0) return 0.0;
  const auto rank = [&](double p) {
    return first[static_cast<std::ptrdiff_t>(static_cast<double>(n - 1) * p + 0.5)];
  };
  return energyToLufs(rank(0.95)) - energyToLufs(rank(0.10));
}

double LoudnessMeter::momentaryLufs() const { return energyToLufs(windowEnergy(kMomentaryBlocks)); }
double LoudnessMeter::shortTermLufs() const { return energyToLufs(windowEnergy(kShortTermBlocks)); }
double LoudnessMeter::maxMomentaryLufs() const { return energyToLufs(maxMomentaryEnergy_); }
double LoudnessMeter::maxShortTermLufs() const { return energyToLufs(maxShortTermEnergy_); }

double LoudnessMeter::truePeakDbtp() const {
  return peaks_ ? linearToDb(peaks_->truePeak()) : kNegInf;
}

double LoudnessMeter::samplePeakDbfs() const {
  return peaks_ ? linearToDb(peaks_->samplePeak()) : kNegInf;
}

}  // namespace vocalmix::analysis
