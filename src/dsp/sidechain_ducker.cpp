#include "dsp/sidechain_ducker.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"

namespace vocalmix {

namespace {
double coefficient(double sampleRate, double seconds) {
  return dmath::exp(-1.0 / (seconds * sampleRate));
}
constexpr double kQuietDb = -40.0;  // no ducking below this vocal level
constexpr double kLoudDb = -20.0;   // full depth from here up
}  // namespace

void SidechainDucker::prepare(double sampleRate, int /*maxBlock*/) {
  envAttack_ = coefficient(sampleRate, 0.005);
  envRelease_ = coefficient(sampleRate, 0.250);
  gainAttack_ = coefficient(sampleRate, 0.020);
  gainRelease_ = coefficient(sampleRate, 0.300);
  depth_.prepare(sampleRate, 0.050);
  reset();
}

void SidechainDucker::reset() {
  depth_.snap(depth_.target());
  envelope_ = 0.0;
  gainDb_ = 0.0;
}

void SidechainDucker::setDepth(Decibels d) { depth_.setTarget(std::clamp(d.value, 0.0, 12.0)); }

void SidechainDucker::process(const double* key, double* gainDb, int n) {
  for (int i = 0; i < n; ++i) {
    const double level = std::fabs(key[i]);
    const double c = level > envelope_ ? envAttack_ : envRelease_;
    envelope_ = level + c * (envelope_ - level);
    if (envelope_ < 1e-20) envelope_ = 0.0;
    const double levelDb = dmath::gainToDb(envelope_);
    const double amount = std::clamp((levelDb - kQuietDb) / (kLoudDb - kQuietDb), 0.0, 1.0);
    const double target = -amount * depth_.next();
    const double g = target < gainDb_ ? gainAttack_ : gainRelease_;
    gainDb_ = target + g * (gainDb_ - target);
    if (std::fabs(gainDb_) < 1e-12) gainDb_ = 0.0;
    gainDb[i] = gainDb_;
  }
}

}  // namespace vocalmix
