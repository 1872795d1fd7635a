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
#include "dsp/pair.h"

namespace vocalmix {
namespace {

constexpr double kRampSeconds = 0.05;
constexpr double kReferencePeak = 0.25;  // −12 dBFS keeps its peak level at any drive

// Symmetric half-band sum over a contiguous window w[0 .. 2K−1] (oldest → newest). Four
// partial sums s0..s3 in a fixed order: the same result everywhere, without one long add chain.
// s0/s1 and s2/s3 run as the two lanes of a Pair (the coefficients are adjacent, the window's
// newer half is read upwards and its older half downwards, hence the lane swap); each lane does
// exactly the scalar steps, and the four are combined as (s0 + s1) + (s2 + s3).

template <int K>
double symmetricSum(const double* a, const double* w) {
  static_assert(K % 2 == 0);
  Pair s01 = splat(0.0), s23 = splat(0.0);
  for (int m = 1; m + 3 <= K; m += 4) {
    // s0 += a[m−1]·(w[K−1+m] + w[K−m]),  s1 += a[m]·(w[K+m] + w[K−m−1])
    s01 += loadPair(a + m - 1) * (loadPair(w + K - 1 + m) + swapLanes(loadPair(w + K - m - 1)));
    // s2 += a[m+1]·(w[K+1+m] + w[K−m−2]), s3 += a[m+2]·(w[K+2+m] + w[K−m−3])
    s23 += loadPair(a + m + 1) * (loadPair(w + K + 1 + m) + swapLanes(loadPair(w + K - m - 3)));
  }
  if constexpr (K % 4 == 2) {
    // s0 += a[K−2]·(w[2K−2] + w[1]), s1 += a[K−1]·(w[2K−1] + w[0])
    s01 += loadPair(a + K - 2) * (loadPair(w + 2 * K - 2) + swapLanes(loadPair(w)));
  }
  return (s01[0] + s01[1]) + (s23[0] + s23[1]);
}

// The same sum for two consecutive windows w and w + 1 at once (lane 0 and lane 1): each lane
// is symmetricSum's exact arithmetic on its own window.
template <int K>
[[gnu::always_inline]] inline Pair symmetricSumTwo(const Pair* a, const double* w) {
  static_assert(K % 2 == 0);
  Pair s0 = splat(0.0), s1 = splat(0.0), s2 = splat(0.0), s3 = splat(0.0);
  for (int m = 1; m + 3 <= K; m += 4) {
    s0 += a[m - 1] * (loadPair(w + K - 1 + m) + loadPair(w + K - m));
    s1 += a[m] * (loadPair(w + K + m) + loadPair(w + K - m - 1));
    s2 += a[m + 1] * (loadPair(w + K + 1 + m) + loadPair(w + K - m - 2));
    s3 += a[m + 2] * (loadPair(w + K + 2 + m) + loadPair(w + K - m - 3));
  }
  if constexpr (K % 4 == 2) {
    s0 += a[K - 2] * (loadPair(w + 2 * K - 2) + loadPair(w + 1));
    s1 += a[K - 1] * (loadPair(w + 2 * K - 1) + loadPair(w));
  }
  return (s0 + s1) + (s2 + s3);
}

// Saturation::shape on two lanes: the same clamp (std::min/std::max's comparisons, as masks)
// and the same rational function, element-wise.
inline Pair shapeTwo(Pair u) {
  const auto select = [](PairMask m, Pair a, Pair b) {  // per lane: m ? a : b
    return (Pair)(((PairMask)a & m) | ((PairMask)b & ~m));
  };
  const Pair lo = splat(-3.0), hi = splat(3.0);
  const Pair clampedLow = select(lo < u, u, lo);            // std::max(−3, u)
  const Pair c = select(clampedLow < hi, clampedLow, hi);  // std::min(3, ·)
  const Pair c2 = c * c;
  return c * (splat(27.0) + c2) / (splat(27.0) + splat(9.0) * c2);
}

}  // namespace

Saturation::Saturation() {
  drive_.snap(0.0);
  mix_.snap(1.0);
  designHalfband(a_, kPairsA, 8.0);
  designHalfband(b_, kPairsB, 8.0);
  for (int m = 0; m < kPairsA; ++m) aLanes_[m] = splat(a_[m]);
  for (int m = 0; m < kPairsB; ++m) bLanes_[m] = splat(b_[m]);
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
  upA_.clear();
  upB_.clear();
  downBPairs_.clear();
  downBCentre_.clear();
  downAPairs_.clear();
  downACentre_.clear();
}

void Saturation::setDrive(Decibels d) { drive_.setTarget(std::clamp(d.value, 0.0, 24.0)); }

void Saturation::setMix(double m) { mix_.setTarget(std::clamp(m, 0.0, 1.0)); }

double Saturation::makeupFor(double driveDb) const {
  const double g = dmath::dbToGain(driveDb);
  return kReferencePeak / shape(g * kReferencePeak);
}

double Saturation::processSample(double x) {
  // fs → 2·fs
  upA_.push(x);
  const double* wa = upA_.window(0);
  const double u0 = 2.0 * symmetricSum<kPairsA>(a_, wa), u1 = wa[kPairsA];

  // 2·fs → 4·fs, shape, and straight back down to 2·fs; the two 2·fs samples side by side.
  upB_.push(Pair{u0, u1});
  const double* wb = upB_.window(1);  // the windows ending at u0 and u1
  const Pair g = splat(driveGain_);
  const Pair v0 = shapeTwo(g * (splat(2.0) * symmetricSumTwo<kPairsB>(bLanes_, wb)));
  const Pair v1 = shapeTwo(g * loadPair(wb + kPairsB));
  downBPairs_.push(v0);
  downBCentre_.push(v1);
  const Pair w = splat(0.5) * loadPair(downBCentre_.window(1)) +
                 symmetricSumTwo<kPairsB>(bLanes_, downBPairs_.window(1));

  // 2·fs → fs
  downACentre_.push(w[0]);
  downAPairs_.push(w[1]);
  return 0.5 * downACentre_.window(0)[0] + symmetricSum<kPairsA>(a_, downAPairs_.window(0));
}

void Saturation::processTwo(const double* x, double* wet) {
  // fs → 2·fs: inputs x[0], x[1] in the lanes.
  upA_.push(loadPair(x));
  const double* wa = upA_.window(1);
  const Pair u0 = splat(2.0) * symmetricSumTwo<kPairsA>(aLanes_, wa);
  const Pair u1 = loadPair(wa + kPairsA);

  // 2·fs → 4·fs → 2·fs on the four 2·fs samples, in time order: x[0]'s pair, then x[1]'s.
  upB_.push(Pair{u0[0], u1[0]});
  upB_.push(Pair{u0[1], u1[1]});
  const double* wb = upB_.window(3);
  const Pair g = splat(driveGain_);
  const Pair v0a = shapeTwo(g * (splat(2.0) * symmetricSumTwo<kPairsB>(bLanes_, wb)));
  const Pair v1a = shapeTwo(g * loadPair(wb + kPairsB));
  const Pair v0b = shapeTwo(g * (splat(2.0) * symmetricSumTwo<kPairsB>(bLanes_, wb + 2)));
  const Pair v1b = shapeTwo(g * loadPair(wb + 2 + kPairsB));
  downBPairs_.push(v0a);
  downBPairs_.push(v0b);
  downBCentre_.push(v1a);
  downBCentre_.push(v1b);
  const double* wd = downBPairs_.window(3);
  const double* wc = downBCentre_.window(3);
  const Pair wA = splat(0.5) * loadPair(wc) + symmetricSumTwo<kPairsB>(bLanes_, wd);
  const Pair wB = splat(0.5) * loadPair(wc + 2) + symmetricSumTwo<kPairsB>(bLanes_, wd + 2);

  // 2·fs → fs: x[0]'s output from wA, x[1]'s from wB.
  downACentre_.push(Pair{wA[0], wB[0]});
  downAPairs_.push(Pair{wA[1], wB[1]});
  storePair(wet, splat(0.5) * loadPair(downACentre_.window(1)) +
                     symmetricSumTwo<kPairsA>(aLanes_, downAPairs_.window(1)));
}

void Saturation::process(double* x, int n) {
  const auto delayDry = [this](double in) {
    const double dry = dry_[dryPos_];
    dry_[dryPos_] = in;
    dryPos_ = dryPos_ + 1 == kLatency ? 0 : dryPos_ + 1;
    return dry;
  };
  int i = 0;
  for (; i < n; ++i) {
    if (!drive_.isSmoothing() && !mix_.isSmoothing()) break;
    if (drive_.isSmoothing()) {
      const double d = drive_.next();
      driveGain_ = dmath::dbToGain(d);
      makeup_ = makeupFor(d);
    }
    const double m = mix_.next();
    const double in = x[i];
    const double dry = delayDry(in);
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
  if (i == n) return;

  // Drive and mix at rest: they stay so for the rest of the call (settings change only between
  // calls). Settled dry, the rest is the delay alone.
  if (mix_.current() == 0.0) {
    if (!idle_) clearOversampler();
    idle_ = true;
    for (; i < n; ++i) x[i] = delayDry(x[i]);
    return;
  }

  // At rest and wet: the samples go two at a time, with the per-sample arithmetic unchanged.
  idle_ = false;
  const double m = mix_.current(), makeup = makeup_;
  for (; i + 2 <= n; i += 2) {
    double wet[2];
    processTwo(x + i, wet);
    const double dry0 = delayDry(x[i]);
    const double dry1 = delayDry(x[i + 1]);
    const Pair y = splat(1.0 - m) * Pair{dry0, dry1} + splat(m) * (loadPair(wet) * splat(makeup));
    storePair(x + i, y);
  }
  if (i < n) {
    const double dry = delayDry(x[i]);
    x[i] = (1.0 - m) * dry + m * (processSample(x[i]) * makeup);
  }
}

}  // namespace vocalmix
