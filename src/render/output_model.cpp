// OutputModel — see the header for the method.
#include "render/output_model.h"

#include <algorithm>
#include <cmath>

#include "analysis/integrated_loudness.h"
#include "dsp/dmath.h"
#include "engine/output_stage.h"

namespace vocalmix::render {

namespace {

constexpr double kGroupSeconds = 1.0 / 750.0;  // 64 frames at 48 kHz
// Groups' worth the limiter reaches beyond its window's nominal span: a peak's 4× neighbourhood
// and the attack's moving average widen it, and sample peaks under-read true peaks. Fitted on
// recorded speech (the test vocal): the prediction is then within 0.04 LU of the exact output
// stage from 1.5 to 9 LU of limiting, at 48 and 44.1 kHz (tests/render/output_model_test.cpp).
constexpr double kReachBonus = 0.62;

}  // namespace

OutputModel::OutputModel(int sampleRate, int64_t expectedFrames)
    : groupFrames_(std::max(8, static_cast<int>(std::floor(sampleRate * kGroupSeconds + 0.5)))),
      subBlockFrames_((sampleRate + 5) / 10),
      groupsPerSubBlock_(static_cast<int>((subBlockFrames_ + groupFrames_ - 1) / groupFrames_)),
      releaseStep_(1.0 - dmath::exp(-groupFrames_ / (OutputStage::kReleaseMs * 0.001 * sampleRate))),
      filter_(sampleRate) {
  // The limiter's gain path (see dsp/true_peak_limiter.cpp) holds the gain a peak needs from
  // L − T + 1 frames before it (L the lookahead, T the detector's delay) until its release:
  // a group takes the smallest gain needed by itself and the groups that window reaches — in
  // full those it covers, the partly covered last one by its covered share plus kReachBonus.
  const int lookahead = static_cast<int>(std::floor(OutputStage::kLookaheadMs * 0.001 * sampleRate + 0.5));
  const double reach = static_cast<double>(lookahead - TruePeakLimiter::kDetectDelay + 1) / groupFrames_;
  for (int k = 0; k < reach + kReachBonus; ++k) attack_.push_back(std::min(1.0, reach + kReachBonus - k));
  const int64_t subBlocks = std::max<int64_t>(0, expectedFrames) / subBlockFrames_ + 1;
  groups_.reserve(static_cast<size_t>(subBlocks * groupsPerSubBlock_));
  subBlocks_.reserve(static_cast<size_t>(subBlocks));
}

void OutputModel::add(const float* left, const float* right, int n) {
  for (int done = 0; done < n;) {
    const int m = static_cast<int>(std::min<int64_t>(
        {n - done, groupFrames_ - groupFill_, subBlockFrames_ - subBlockFill_}));
    filter_.addPlanar(left + done, right + done, m);
    float peak = peak_;
    for (int i = done; i < done + m; ++i) peak = std::max(peak, std::max(std::fabs(left[i]), std::fabs(right[i])));
    peak_ = peak;
    done += m;
    groupFill_ += m;
    subBlockFill_ += m;
    const bool subBlockDone = subBlockFill_ == subBlockFrames_;
    if (groupFill_ == groupFrames_ || subBlockDone) {
      const Pair z = filter_.takeSumOfSquares();
      const double energy = z[0] + z[1];
      groups_.push_back(Group{static_cast<float>(energy), peak_});
      subBlockSum_ += energy;
      peak_ = 0.0f;
      groupFill_ = 0;
    }
    if (subBlockDone) {
      subBlocks_.push_back(subBlockSum_);
      subBlockSum_ = 0.0;
      subBlockFill_ = 0;
    }
  }
}

double OutputModel::lufs() const { return analysis::gatedLoudness(subBlocks_, subBlockFrames_); }

double OutputModel::predictLufs(double gainDb, double limiterCeilingDb) const {
  const double g = dmath::dbToGain(gainDb);
  const double ceiling = dmath::dbToGain(limiterCeilingDb);
  const size_t count = groups_.size();
  const size_t used = subBlocks_.size() * static_cast<size_t>(groupsPerSubBlock_);
  std::vector<double> subBlocks(subBlocks_.size(), 0.0);
  double envelope = 1.0;
  const size_t ahead = attack_.size();
  for (size_t j = 0; j < used; ++j) {
    double held = 1.0;
    for (size_t k = 0; k < ahead && j + k < count; ++k) {
      const double level = g * groups_[j + k].peak;
      if (level > ceiling) held = std::min(held, 1.0 - (1.0 - ceiling / level) * attack_[k]);
    }
    if (held < envelope) {
      envelope = held;
    } else {
      envelope += (held - envelope) * releaseStep_;
    }
    const double scale = g * envelope;
    subBlocks[j / groupsPerSubBlock_] += groups_[j].energy * (scale * scale);
  }
  return analysis::gatedLoudness(subBlocks, subBlockFrames_);
}

double OutputModel::gainFor(double targetLufs, double limiterCeilingDb, double lowDb,
                            double highDb) const {
  // Regula falsi (Illinois) on the 0.001 dB grid; the miss rises with the gain.
  auto miss = [&](int64_t k) { return predictLufs(k / 1000.0, limiterCeilingDb) - targetLufs; };
  int64_t lo = static_cast<int64_t>(std::floor(lowDb * 1000.0 + 0.5));
  int64_t hi = std::max(lo, static_cast<int64_t>(std::floor(highDb * 1000.0 + 0.5)));
  const double loMiss = miss(lo);
  if (!(loMiss < 0.0)) return lo / 1000.0;  // also NaN: nothing better to go on
  const double hiMiss = miss(hi);
  if (!(hiMiss > 0.0)) return hi / 1000.0;  // out of reach: as loud as allowed
  double fLo = loMiss, fHi = hiMiss;        // interpolation weights (Illinois halves them)
  double trueLo = loMiss, trueHi = hiMiss;
  int lastSide = 0;
  while (hi - lo > 1) {
    int64_t k = lo + (hi - lo) / 2;
    const double t = -fLo / (fHi - fLo);
    if (std::isfinite(fLo) && std::isfinite(fHi) && t > 0.0 && t < 1.0) {
      k = lo + static_cast<int64_t>(std::floor(t * static_cast<double>(hi - lo) + 0.5));
    }
    k = std::clamp(k, lo + 1, hi - 1);
    const double f = miss(k);
    if (f == 0.0) return k / 1000.0;
    if (f < 0.0) {
      lo = k;
      fLo = trueLo = f;
      if (lastSide < 0) fHi *= 0.5;
      lastSide = -1;
    } else {
      hi = k;
      fHi = trueHi = f;
      if (lastSide > 0) fLo *= 0.5;
      lastSide = 1;
    }
  }
  return (-trueLo <= trueHi ? lo : hi) / 1000.0;
}

}  // namespace vocalmix::render
