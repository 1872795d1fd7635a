// IntegratedLoudness — see the header for the method.
#include "analysis/integrated_loudness.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "dsp/dmath.h"
#include "dsp/k_weighting.h"
#include "dsp/pair.h"

namespace vocalmix::analysis {

namespace {

constexpr double kAbsoluteGateLufs = -70.0;
constexpr double kRelativeGate = 0.1;  // −10 LU as an energy ratio

double lufsToEnergy(double lufs) { return dmath::exp((lufs + 0.691) * (dmath::kLn10 / 10.0)); }

// Biquad::process on both channels at once (dsp/pair.h): the same operations in the same
// order, including the flush of tiny state that keeps it out of denormals.
struct PairBiquad {
  double b0, b1, b2, a1, a2;
  Pair s1{0.0, 0.0}, s2{0.0, 0.0};
  explicit PairBiquad(const BiquadCoefficients& c)
      : b0(c.b0), b1(c.b1), b2(c.b2), a1(c.a1), a2(c.a2) {}
  Pair process(Pair x) {
    const Pair y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    s1 = flushBelow(s1, 1e-30);
    s2 = flushBelow(s2, 1e-30);
    return y;
  }
};

}  // namespace

struct IntegratedLoudness::StereoFilter {
  PairBiquad shelf, highPass;
  explicit StereoFilter(int rate)
      : shelf(kWeightingShelf(rate)), highPass(kWeightingHighPass(rate)) {}
  double energy(double l, double r) {
    const Pair z = highPass.process(shelf.process(Pair{l, r}));
    return z[0] * z[0] + z[1] * z[1];
  }
};

IntegratedLoudness::IntegratedLoudness(int sampleRate, int channels) {
  if (channels < 1 || channels > 2) {
    throw std::invalid_argument("IntegratedLoudness: 1 or 2 channels, not " + std::to_string(channels));
  }
  if (sampleRate < 8000 || sampleRate > 384000) {
    throw std::invalid_argument("IntegratedLoudness: unsupported sample rate " + std::to_string(sampleRate) + " Hz");
  }
  subBlockFrames_ = sampleRate / 10;
  if (channels == 2) {
    stereo_ = std::make_unique<StereoFilter>(sampleRate);
  } else {
    shelf_.setCoefficients(kWeightingShelf(sampleRate));
    highPass_.setCoefficients(kWeightingHighPass(sampleRate));
  }
}

IntegratedLoudness::~IntegratedLoudness() = default;
IntegratedLoudness::IntegratedLoudness(IntegratedLoudness&&) noexcept = default;

void IntegratedLoudness::closeSubBlock() {
  subBlocks_.push_back(sum_);
  sum_ = 0.0;
  fill_ = 0;
}

void IntegratedLoudness::addFrames(const float* x, int64_t frames) {
  for (int64_t i = 0; i < frames; ++i) {
    if (stereo_) {
      sum_ += stereo_->energy(x[2 * i], x[2 * i + 1]);
    } else {
      const double z = highPass_.process(shelf_.process(x[i]));
      sum_ += z * z;
    }
    if (++fill_ == subBlockFrames_) closeSubBlock();
  }
}

void IntegratedLoudness::addStereo(const float* left, const float* right, int frames) {
  if (!stereo_) {
    addFrames(left, frames);
    return;
  }
  StereoFilter& f = *stereo_;
  for (int i = 0; i < frames; ++i) {
    sum_ += f.energy(left[i], right[i]);
    if (++fill_ == subBlockFrames_) closeSubBlock();
  }
}

double IntegratedLoudness::lufs() const {
  constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  if (subBlocks_.size() < 4) return kNegInf;
  // Block energies: the mean square over the last four sub-blocks, every 100 ms.
  const double frames = 4.0 * static_cast<double>(subBlockFrames_);
  const double absoluteGate = lufsToEnergy(kAbsoluteGateLufs);
  std::vector<double> blocks;
  blocks.reserve(subBlocks_.size() - 3);
  double sum = 0.0;
  for (size_t k = 3; k < subBlocks_.size(); ++k) {
    const double e = (subBlocks_[k - 3] + subBlocks_[k - 2] + subBlocks_[k - 1] + subBlocks_[k]) / frames;
    if (e >= absoluteGate) {
      blocks.push_back(e);
      sum += e;
    }
  }
  if (blocks.empty()) return kNegInf;
  const double relativeGate = sum / static_cast<double>(blocks.size()) * kRelativeGate;
  double gated = 0.0;
  size_t count = 0;
  for (double e : blocks) {
    if (e >= relativeGate) {
      gated += e;
      ++count;
    }
  }
  if (count == 0 || gated <= 0.0) return kNegInf;
  return -0.691 + 10.0 * dmath::log10(gated / static_cast<double>(count));
}

}  // namespace vocalmix::analysis
