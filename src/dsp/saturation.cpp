// 4× oversampled waveshaper. Half-band filters (every second tap zero, centre 1/2) halve the
// work of each up/down stage; they are Kaiser-windowed sincs designed here with only + − × ÷
// and sqrt (the Bessel I0 series), so the coefficients are identical on every build.
//
// Phase bookkeeping (so the 4× round trip is a whole number of input samples):
//   up A    : y[2n] = 2Σ a_m (x[n−K+m] + x[n−K−m+1]), y[2n+1] = x[n−K+1]      (delay 2K−1 @2fs)
//   up B    : the same at 2·fs                                                   (delay 2K−1 @4fs)
//   down B  : output aligned to the even 4·fs sample of each pair
//   down A  : output aligned to the odd 2·fs sample of each pair
// giving 2·K_A + K_B − 2 samples in total (checked against an impulse in the tests).
#include "dsp/saturation.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "dsp/dmath.h"
#include "dsp/halfband.h"

namespace vocalmix {
namespace {

constexpr double kRampSeconds = 0.05;
constexpr double kReferencePeak = 0.25;  // −12 dBFS keeps its peak level at any drive

// Symmetric half-band sum over a contiguous window w[0 .. 2K−1] (oldest → newest). Four
// partial sums in a fixed order: the same result everywhere, without one long add chain.
template <int K>
double symmetricSum(const double* a, const double* w) {
  static_assert(K % 2 == 0);
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  for (int m = 1; m + 3 <= K; m += 4) {
    s0 += a[m - 1] * (w[K - 1 + m] + w[K - m]);
    s1 += a[m] * (w[K + m] + w[K - m - 1]);
    s2 += a[m + 1] * (w[K + 1 + m] + w[K - m - 2]);
    s3 += a[m + 2] * (w[K + 2 + m] + w[K - m - 3]);
  }
  if constexpr (K % 4 == 2) {
    s0 += a[K - 2] * (w[2 * K - 2] + w[1]);
    s1 += a[K - 1] * (w[2 * K - 1] + w[0]);
  }
  return (s0 + s1) + (s2 + s3);
}

// Push into a doubled ring of length 2·K (stored twice, 4·K doubles); returns the window start.
template <int K>
const double* push(double* ring, int& pos, double v) {
  ring[pos] = v;
  ring[pos + 2 * K] = v;
  pos = pos + 1 == 2 * K ? 0 : pos + 1;
  return ring + pos;
}

}  // namespace

Saturation::Saturation() {
  drive_.snap(0.0);
  mix_.snap(1.0);
  designHalfband(a_, kPairsA, 8.0);
  designHalfband(b_, kPairsB, 8.0);
}

void Saturation::prepare(double sampleRate, int /*maxBlock*/) {
  drive_.prepare(sampleRate, kRampSeconds);
  mix_.prepare(sampleRate, kRampSeconds);
  reset();
}

void Saturation::reset() {
  drive_.snap(drive_.target());
  mix_.snap(mix_.target());
  driveGain_ = dmath::dbToGain(drive_.current());
  makeup_ = makeupFor(drive_.current());
  clearOversampler();
  std::fill(std::begin(dry_), std::end(dry_), 0.0);
  dryPos_ = 0;
  idle_ = false;
}

void Saturation::clearOversampler() {
  std::fill(std::begin(upA_), std::end(upA_), 0.0);
  std::fill(std::begin(upB_), std::end(upB_), 0.0);
  std::fill(std::begin(downBPairs_), std::end(downBPairs_), 0.0);
  std::fill(std::begin(downBCentre_), std::end(downBCentre_), 0.0);
  std::fill(std::begin(downAPairs_), std::end(downAPairs_), 0.0);
  std::fill(std::begin(downACentre_), std::end(downACentre_), 0.0);
  posUpA_ = posUpB_ = posDownBPairs_ = posDownBCentre_ = posDownAPairs_ = posDownACentre_ = 0;
}

void Saturation::setDrive(Decibels d) { drive_.setTarget(std::clamp(d.value, 0.0, 24.0)); }

void Saturation::setMix(double m) { mix_.setTarget(std::clamp(m, 0.0, 1.0)); }

double Saturation::makeupFor(double driveDb) const {
  const double g = dmath::dbToGain(driveDb);
  return kReferencePeak / shape(g * kReferencePeak);
}

double Saturation::processSample(double x) {
  // fs → 2·fs
  const double* wa = push<kPairsA>(upA_, posUpA_, x);
  const double u[2] = {2.0 * symmetricSum<kPairsA>(a_, wa), wa[kPairsA]};

  double w[2];  // back at 2·fs
  for (int i = 0; i < 2; ++i) {
    // 2·fs → 4·fs, shape, and straight back down to 2·fs.
    const double* wb = push<kPairsB>(upB_, posUpB_, u[i]);
    const double v0 = shape(driveGain_ * (2.0 * symmetricSum<kPairsB>(b_, wb)));
    const double v1 = shape(driveGain_ * wb[kPairsB]);
    const double* wd = push<kPairsB>(downBPairs_, posDownBPairs_, v0);
    w[i] = 0.5 * downBCentre_[posDownBCentre_] + symmetricSum<kPairsB>(b_, wd);
    downBCentre_[posDownBCentre_] = v1;
    posDownBCentre_ = posDownBCentre_ + 1 == kPairsB ? 0 : posDownBCentre_ + 1;
  }

  // 2·fs → fs
  downACentre_[posDownACentre_] = w[0];
  posDownACentre_ = posDownACentre_ + 1 == kPairsA ? 0 : posDownACentre_ + 1;
  const double* wo = push<kPairsA>(downAPairs_, posDownAPairs_, w[1]);
  return 0.5 * downACentre_[posDownACentre_] + symmetricSum<kPairsA>(a_, wo);
}

void Saturation::process(double* x, int n) {
  for (int i = 0; i < n; ++i) {
    if (drive_.isSmoothing()) {
      const double d = drive_.next();
      driveGain_ = dmath::dbToGain(d);
      makeup_ = makeupFor(d);
    }
    const double m = mix_.next();
    const double in = x[i];
    const double dry = dry_[dryPos_];
    dry_[dryPos_] = in;
    dryPos_ = dryPos_ + 1 == kLatency ? 0 : dryPos_ + 1;
    if (m == 0.0 && !mix_.isSmoothing()) {
      // Settled fully dry (the chain's bypass): the result is exactly the delayed input, so the
      // oversampler is skipped; entering this state clears it (decided per sample, so the
      // output does not depend on the host's block size).
      if (!idle_) clearOversampler();
      idle_ = true;
      x[i] = dry;
      continue;
    }
    idle_ = false;
    const double wet = processSample(in) * makeup_;
    x[i] = (1.0 - m) * dry + m * wet;
  }
}

}  // namespace vocalmix
