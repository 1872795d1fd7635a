// K-weighting filter design and the two-lane meter filter; see the header.
#include "dsp/k_weighting.h"

#include <algorithm>

#include "dsp/dmath.h"

namespace vocalmix {

namespace {

constexpr double kShelfHz = 1681.974450955533;
constexpr double kShelfGainDb = 3.999843853973347;
constexpr double kShelfQ = 0.7071752369554196;
constexpr double kHighPassHz = 38.13547087602444;
constexpr double kHighPassQ = 0.5003270373238773;
constexpr double kFlushBelow = 1e-30;  // as Biquad::process

}  // namespace

BiquadCoefficients kWeightingShelf(double fs) {
  const double k = dmath::tan(dmath::kPi * kShelfHz / fs);
  const double vh = dmath::dbToGain(kShelfGainDb);
  const double vb = dmath::pow(vh, 0.4996667741545416);
  const double a0 = 1.0 + k / kShelfQ + k * k;
  BiquadCoefficients c;
  c.b0 = (vh + vb * k / kShelfQ + k * k) / a0;
  c.b1 = 2.0 * (k * k - vh) / a0;
  c.b2 = (vh - vb * k / kShelfQ + k * k) / a0;
  c.a1 = 2.0 * (k * k - 1.0) / a0;
  c.a2 = (1.0 - k / kShelfQ + k * k) / a0;
  return c;
}

BiquadCoefficients kWeightingHighPass(double fs) {
  const double k = dmath::tan(dmath::kPi * kHighPassHz / fs);
  const double a0 = 1.0 + k / kHighPassQ + k * k;
  BiquadCoefficients c;
  c.b0 = 1.0;
  c.b1 = -2.0;
  c.b2 = 1.0;
  c.a1 = 2.0 * (k * k - 1.0) / a0;
  c.a2 = (1.0 - k / kHighPassQ + k * k) / a0;
  return c;
}

KWeightingPair::KWeightingPair(double sampleRate) {
  const BiquadCoefficients shelf = kWeightingShelf(sampleRate);
  const BiquadCoefficients highPass = kWeightingHighPass(sampleRate);
  b0_ = shelf.b0;
  b1_ = shelf.b1;
  b2_ = shelf.b2;
  a1_ = shelf.a1;
  a2_ = shelf.a2;
  c1_ = highPass.a1;
  c2_ = highPass.a2;
}

void KWeightingPair::reset() {
  s1_ = s2_ = h1_ = h2_ = sum_ = Pair{0.0, 0.0};
  phase_ = 0;
}

template <class Load>
void KWeightingPair::run(Load load, int64_t frames) {
  // State and coefficients in locals: the compiler keeps them in registers across the loop.
  const double b0 = b0_, b1 = b1_, b2 = b2_, a1 = a1_, a2 = a2_, c1 = c1_, c2 = c2_;
  Pair s1 = s1_, s2 = s2_, h1 = h1_, h2 = h2_;
  Pair sum = sum_;
  for (int64_t i = 0; i < frames;) {
    const int64_t end = std::min<int64_t>(frames, i + (kFlushFrames - phase_));
    phase_ += static_cast<int>(end - i);
    for (; i < end; ++i) {
      const Pair x = load(i);
      const Pair y = b0 * x + s1;  // shelf
      s1 = b1 * x - a1 * y + s2;
      s2 = b2 * x - a2 * y;
      const Pair z = y + h1;  // high-pass: 1·y + h1
      h1 = -2.0 * y - c1 * z + h2;
      h2 = y - c2 * z;
      sum += z * z;
    }
    if (phase_ == kFlushFrames) {
      phase_ = 0;
      s1 = flushBelow(s1, kFlushBelow);
      s2 = flushBelow(s2, kFlushBelow);
      h1 = flushBelow(h1, kFlushBelow);
      h2 = flushBelow(h2, kFlushBelow);
    }
  }
  s1_ = s1;
  s2_ = s2;
  h1_ = h1;
  h2_ = h2;
  sum_ = sum;
}

void KWeightingPair::addAdjacent(const float* x, ptrdiff_t stride, int64_t frames) {
  run(
      [x, stride](int64_t i) { return loadFloatPair(x + i * stride); }, frames);
}

void KWeightingPair::addSingle(const float* x, ptrdiff_t stride, int64_t frames) {
  run([x, stride](int64_t i) { return Pair{x[i * stride], 0.0}; }, frames);
}

void KWeightingPair::addPlanar(const float* a, const float* b, int64_t frames) {
  run([a, b](int64_t i) { return Pair{a[i], b[i]}; }, frames);
}

}  // namespace vocalmix
