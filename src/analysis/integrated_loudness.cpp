// IntegratedLoudness — see the header for the method.
#include "analysis/integrated_loudness.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "dsp/dmath.h"

namespace vocalmix::analysis {

namespace {

constexpr double kAbsoluteGateLufs = -70.0;
constexpr double kRelativeGate = 0.1;  // −10 LU as an energy ratio

double lufsToEnergy(double lufs) { return dmath::exp((lufs + 0.691) * (dmath::kLn10 / 10.0)); }

}  // namespace

IntegratedLoudness::IntegratedLoudness(int sampleRate, int channels)
    : channels_(channels), subBlockFrames_((sampleRate + 5) / 10), filter_(sampleRate) {
  if (channels < 1 || channels > 2) {
    throw std::invalid_argument("IntegratedLoudness: 1 or 2 channels, not " + std::to_string(channels));
  }
  if (sampleRate < 8000 || sampleRate > 384000) {
    throw std::invalid_argument("IntegratedLoudness: unsupported sample rate " + std::to_string(sampleRate) + " Hz");
  }
}

// Feeds runs that end on sub-block boundaries; filter(offset, n) feeds n frames to filter_.
template <class Filter>
void IntegratedLoudness::add(int64_t frames, Filter filter) {
  for (int64_t done = 0; done < frames;) {
    const int64_t n = std::min(frames - done, subBlockFrames_ - fill_);
    filter(done, n);
    done += n;
    fill_ += n;
    if (fill_ == subBlockFrames_) {
      const Pair z = filter_.takeSumOfSquares();
      subBlocks_.push_back(z[0] + z[1]);
      fill_ = 0;
    }
  }
}

void IntegratedLoudness::addFrames(const float* x, int64_t frames) {
  if (channels_ == 2) {
    add(frames, [&](int64_t i, int64_t n) { filter_.addAdjacent(x + 2 * i, 2, n); });
  } else {
    add(frames, [&](int64_t i, int64_t n) { filter_.addSingle(x + i, 1, n); });
  }
}

void IntegratedLoudness::addStereo(const float* left, const float* right, int frames) {
  if (channels_ == 2) {
    add(frames, [&](int64_t i, int64_t n) { filter_.addPlanar(left + i, right + i, n); });
  } else {
    addFrames(left, frames);
  }
}

double IntegratedLoudness::lufs() const { return gatedLoudness(subBlocks_, subBlockFrames_); }

double gatedLoudness(const std::vector<double>& subBlocks, int64_t subBlockFrames) {
  constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  if (subBlocks.size() < 4) return kNegInf;
  // Block energies: the mean square over the last four sub-blocks, every 100 ms.
  const double frames = 4.0 * static_cast<double>(subBlockFrames);
  const double absoluteGate = lufsToEnergy(kAbsoluteGateLufs);
  std::vector<double> blocks;
  blocks.reserve(subBlocks.size() - 3);
  double sum = 0.0;
  for (size_t k = 3; k < subBlocks.size(); ++k) {
    const double e = (subBlocks[k - 3] + subBlocks[k - 2] + subBlocks[k - 1] + subBlocks[k]) / frames;
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
