// IntegratedLoudness — see the header for the method.
#include "analysis/integrated_loudness.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "dsp/dmath.h"
#include "dsp/k_weighting.h"

namespace vocalmix::analysis {

namespace {

constexpr double kAbsoluteGateLufs = -70.0;
constexpr double kRelativeGate = 0.1;  // −10 LU as an energy ratio

double lufsToEnergy(double lufs) { return dmath::exp((lufs + 0.691) * (dmath::kLn10 / 10.0)); }

}  // namespace

IntegratedLoudness::IntegratedLoudness(int sampleRate, int channels) : channels_(channels) {
  if (channels < 1 || channels > 2) {
    throw std::invalid_argument("IntegratedLoudness: 1 or 2 channels, not " + std::to_string(channels));
  }
  if (sampleRate < 8000 || sampleRate > 384000) {
    throw std::invalid_argument("IntegratedLoudness: unsupported sample rate " + std::to_string(sampleRate) + " Hz");
  }
  subBlockFrames_ = sampleRate / 10;
  for (int c = 0; c < 2; ++c) {
    shelf_[c].setCoefficients(kWeightingShelf(sampleRate));
    highPass_[c].setCoefficients(kWeightingHighPass(sampleRate));
  }
}

void IntegratedLoudness::closeSubBlock() {
  subBlocks_.push_back(sum_);
  sum_ = 0.0;
  fill_ = 0;
}

void IntegratedLoudness::addFrames(const float* x, int64_t frames) {
  for (int64_t i = 0; i < frames; ++i) {
    double e = 0.0;
    for (int c = 0; c < channels_; ++c) {
      const double z = highPass_[c].process(shelf_[c].process(x[i * channels_ + c]));
      e += z * z;
    }
    sum_ += e;
    if (++fill_ == subBlockFrames_) closeSubBlock();
  }
}

void IntegratedLoudness::addStereo(const float* left, const float* right, int frames) {
  for (int i = 0; i < frames; ++i) {
    const double zl = highPass_[0].process(shelf_[0].process(left[i]));
    double e = zl * zl;
    if (channels_ == 2) {
      const double zr = highPass_[1].process(shelf_[1].process(right[i]));
      e += zr * zr;
    }
    sum_ += e;
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
