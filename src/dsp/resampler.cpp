#include "dsp/resampler.h"

#include <algorithm>
#include <cstddef>
#include <cmath>
#include <numeric>

#include "dsp/dmath.h"
#include "dsp/halfband.h"

namespace vocalmix {

namespace {
constexpr double kBeta = 8.0;
constexpr double kCutoff = 0.45;  // of the lower rate
}  // namespace

void Resampler::prepare(int inRate, int outRate, int channels) {
  inRate_ = inRate;
  outRate_ = outRate;
  channels_ = channels;
  const int64_t g = std::gcd<int64_t, int64_t>(inRate, outRate);
  num_ = inRate / g;
  den_ = outRate / g;
  // Span 32 samples of the lower rate, expressed in input samples.
  taps_ = kBaseTaps;
  if (inRate > outRate) {
    taps_ = static_cast<int>(std::ceil(kBaseTaps * static_cast<double>(inRate) / outRate));
    taps_ += taps_ & 1;
  }
  interpolatePhases_ = den_ > kMaxPhases;
  phases_ = interpolatePhases_ ? kMaxPhases : static_cast<int>(den_);
  // Cut-off in cycles per input sample.
  const double fc = kCutoff * std::min(inRate, outRate) / static_cast<double>(inRate);
  const double half = taps_ / 2.0;
  const double i0Beta = besselI0(kBeta);
  table_.assign(static_cast<size_t>(phases_ + 1) * taps_, 0.0);
  for (int p = 0; p <= phases_; ++p) {
    const double phi = static_cast<double>(p) / phases_;
    double* row = &table_[static_cast<size_t>(p) * taps_];
    double sum = 0.0;
    for (int j = 0; j < taps_; ++j) {
      const double t = (j - half + 1.0) - phi;  // distance from the output position
      const double x = 2.0 * fc * t;
      const double sinc = t == 0.0 ? 1.0 : dmath::sin(dmath::kPi * x) / (dmath::kPi * x);
      const double r = t / half;
      const double w = r * r < 1.0 ? besselI0(kBeta * std::sqrt(1.0 - r * r)) / i0Beta : 0.0;
      row[j] = 2.0 * fc * sinc * w;
      sum += row[j];
    }
    for (int j = 0; j < taps_; ++j) row[j] /= sum;  // exactly unity gain at DC for every phase
  }
  reset();
}

void Resampler::reset() {
  history_.clear();
  historyStart_ = 0;
  pushed_ = 0;
  produced_ = 0;
  finished_ = false;
}

int64_t Resampler::outputFramesFor(int64_t inFrames) const {
  return (inFrames * den_ + num_ - 1) / num_;
}

void Resampler::push(const float* interleaved, int frames) {
  history_.insert(history_.end(), interleaved, interleaved + static_cast<size_t>(frames) * channels_);
  pushed_ += frames;
}

void Resampler::finish() { finished_ = true; }

double Resampler::sampleAt(int channel, int64_t index) const {
  if (index < historyStart_ || index >= pushed_) return 0.0;
  return history_[static_cast<size_t>(index - historyStart_) * channels_ + channel];
}

int Resampler::pull(float* out, int maxFrames) {
  const int64_t total = outputFramesFor(pushed_);
  const int half = taps_ / 2;
  int made = 0;
  if (num_ == den_) {  // same rate: a plain copy, bit for bit
    const int64_t available = pushed_ - produced_;
    made = static_cast<int>(std::min<int64_t>(available, maxFrames));
    for (int k = 0; k < made; ++k) {
      for (int c = 0; c < channels_; ++c) {
        out[static_cast<size_t>(k) * channels_ + c] = static_cast<float>(sampleAt(c, produced_ + k));
      }
    }
    produced_ += made;
  }
  while (num_ != den_ && made < maxFrames) {
    if (finished_ && produced_ >= total) break;
    const int64_t pos = produced_ * num_;
    const int64_t i = pos / den_;
    const int64_t f = pos % den_;
    if (!finished_ && i + half >= pushed_) break;  // needs input not yet pushed
    const double* row;
    double frac = 0.0;
    size_t p0 = 0;
    if (interpolatePhases_) {
      const double x = static_cast<double>(f) * phases_ / static_cast<double>(den_);
      p0 = static_cast<size_t>(x);
      frac = x - static_cast<double>(p0);
    } else {
      p0 = static_cast<size_t>(f);
    }
    row = &table_[p0 * taps_];
    const double* next = row + taps_;
    const int64_t first = i - half + 1;
    for (int c = 0; c < channels_; ++c) {
      double acc = 0.0;
      for (int j = 0; j < taps_; ++j) {
        const double h = frac == 0.0 ? row[j] : row[j] + frac * (next[j] - row[j]);
        acc += h * sampleAt(c, first + j);
      }
      out[static_cast<size_t>(made) * channels_ + c] = static_cast<float>(acc);
    }
    ++made;
    ++produced_;
  }
  // Forget input no later output can reach.
  const int64_t keepFrom = (produced_ * num_) / den_ - half;
  if (keepFrom - historyStart_ > 65536) {
    const int64_t drop = keepFrom - historyStart_;
    history_.erase(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(drop * channels_));
    historyStart_ += drop;
  }
  return made;
}

}  // namespace vocalmix
