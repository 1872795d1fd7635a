// K-weighting filter design; see the header.
#include "dsp/k_weighting.h"

#include "dsp/dmath.h"

namespace vocalmix {

namespace {

constexpr double kShelfHz = 1681.974450955533;
constexpr double kShelfGainDb = 3.999843853973347;
constexpr double kShelfQ = 0.7071752369554196;
constexpr double kHighPassHz = 38.13547087602444;
constexpr double kHighPassQ = 0.5003270373238773;

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

}  // namespace vocalmix
