// LoudnessMeter — libebur128 wrapper; see the header for the method behind the maxima.
#include "analysis/loudness_meter.h"

#include "analysis/true_peak.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace vocalmix::analysis {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr size_t kMomentaryBlocks = 40;   // 400 ms of 10 ms sub-blocks
constexpr size_t kShortTermBlocks = 300;  // 3 s
constexpr unsigned long kSubBlockMs = 10;

// BS.1770: L = −0.691 + 10·log10(Σ Gi·zi).
double energyToLufs(double energy) {
  return energy > 0.0 ? -0.691 + 10.0 * std::log10(energy) : kNegInf;
}
double lufsToEnergy(double lufs) {
  return std::isfinite(lufs) ? std::pow(10.0, (lufs + 0.691) / 10.0) : 0.0;
}
double linearToDb(double v) { return v > 0.0 ? 20.0 * std::log10(v) : kNegInf; }
double finiteOrNegInf(double v) { return std::isnan(v) ? kNegInf : v; }

void mapChannels(ebur128_state* st, int channels) {
  if (channels == 1 || channels == 2) return;  // libebur128's default: L, R
  if (channels == 5) {
    const int map[] = {EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER, EBUR128_LEFT_SURROUND,
                       EBUR128_RIGHT_SURROUND};
    for (int c = 0; c < 5; ++c) ebur128_set_channel(st, c, map[c]);
    return;
  }
  if (channels == 6) return;  // default is L R C LFE Ls Rs
  if (channels == 8) {
    const int map[] = {EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER, EBUR128_UNUSED,
                       EBUR128_Mp135, EBUR128_Mm135, EBUR128_Mp090, EBUR128_Mm090};
    for (int c = 0; c < 8; ++c) ebur128_set_channel(st, c, map[c]);
    return;
  }
  // Unknown layout: every channel counts once (Mp030 has weight 1.0).
  for (int c = 0; c < channels; ++c) ebur128_set_channel(st, c, EBUR128_Mp030);
}

}  // namespace

struct LoudnessMeter::State {
  ebur128_state* st = nullptr;
  std::unique_ptr<TruePeakMeter> peaks;  // null when constructed without peaks
  explicit State(ebur128_state* s) : st(s) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    if (st) ebur128_destroy(&st);
  }
};

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
  ebur128_state* st =
      ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(sampleRate),
                   EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_S | EBUR128_MODE_M);
  if (!st) throw std::bad_alloc();
  state_ = std::make_unique<State>(st);
  if (withPeaks) state_->peaks = std::make_unique<TruePeakMeter>(channels);
  mapChannels(st, channels);
  subBlockFrames_ = static_cast<int64_t>(sampleRate) * static_cast<int64_t>(kSubBlockMs) / 1000;
  subEnergy_.assign(kShortTermBlocks, 0.0);
}

LoudnessMeter::State& LoudnessMeter::state() const {
  if (!state_) throw std::logic_error("LoudnessMeter: used after being moved from");
  return *state_;
}

LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;
LoudnessMeter::~LoudnessMeter() = default;

void LoudnessMeter::addFrames(const float* interleaved, int64_t frames) {
  while (frames > 0) {
    const int64_t n = std::min(frames, subBlockFrames_ - subBlockFill_);
    const int err = ebur128_add_frames_float(state().st, interleaved, static_cast<size_t>(n));
    if (err != EBUR128_SUCCESS) throw std::bad_alloc();  // its only failure mode
    if (state().peaks) state().peaks->addFrames(interleaved, n);
    interleaved += n * channels_;
    frames -= n;
    framesFed_ += n;
    subBlockFill_ += n;
    if (subBlockFill_ == subBlockFrames_) closeSubBlock();
  }
}

void LoudnessMeter::closeSubBlock() {
  subBlockFill_ = 0;
  double lufs = kNegInf;
  ebur128_loudness_window(state().st, kSubBlockMs, &lufs);
  subEnergy_[subIndex_] = lufsToEnergy(lufs);
  subIndex_ = (subIndex_ + 1) % kShortTermBlocks;
  subCount_ = std::min(subCount_ + 1, kShortTermBlocks);
  // Sum the windows afresh each time (340 adds per 10 ms): no running-sum drift.
  double m = 0.0, s = 0.0;
  for (size_t k = 1; k <= subCount_; ++k) {
    const double e = subEnergy_[(subIndex_ + kShortTermBlocks - k) % kShortTermBlocks];
    if (k <= kMomentaryBlocks) m += e;
    s += e;
  }
  // Like libebur128, a window not yet full counts its missing part as silence.
  maxMomentaryEnergy_ = std::max(maxMomentaryEnergy_, m / kMomentaryBlocks);
  maxShortTermEnergy_ = std::max(maxShortTermEnergy_, s / kShortTermBlocks);
}

double LoudnessMeter::integratedLufs() const {
  double v = kNegInf;
  ebur128_loudness_global(state().st, &v);
  return finiteOrNegInf(v);
}

double LoudnessMeter::loudnessRange() const {
  double v = 0.0;
  if (ebur128_loudness_range(state().st, &v) != EBUR128_SUCCESS || !std::isfinite(v)) return 0.0;
  return v;
}

double LoudnessMeter::momentaryLufs() const {
  double v = kNegInf;
  ebur128_loudness_momentary(state().st, &v);
  return finiteOrNegInf(v);
}

double LoudnessMeter::shortTermLufs() const {
  double v = kNegInf;
  ebur128_loudness_shortterm(state().st, &v);
  return finiteOrNegInf(v);
}

double LoudnessMeter::maxMomentaryLufs() const { return energyToLufs(maxMomentaryEnergy_); }
double LoudnessMeter::maxShortTermLufs() const { return energyToLufs(maxShortTermEnergy_); }

double LoudnessMeter::truePeakDbtp() const {
  return state().peaks ? linearToDb(state().peaks->truePeak()) : kNegInf;
}

double LoudnessMeter::samplePeakDbfs() const {
  return state().peaks ? linearToDb(state().peaks->samplePeak()) : kNegInf;
}

}  // namespace vocalmix::analysis
