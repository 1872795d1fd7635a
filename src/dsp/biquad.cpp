// RBJ cookbook designs (Robert Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter
// coefficients"), shelf slope S = 1. All trigonometry goes through dmath for parity.
#include "dsp/biquad.h"

#include <algorithm>

#include "dsp/dmath.h"

namespace vocalmix {

BiquadCoefficients BiquadCoefficients::design(FilterType type, double sampleRate, double freqHz,
                                              double q, double gainDb) {
  const double f = std::clamp(freqHz, 1.0, sampleRate * 0.49);
  q = std::max(q, 0.05);
  const double w0 = dmath::kTwoPi * f / sampleRate;
  const double cw = dmath::cos(w0);
  const double sw = dmath::sin(w0);
  const double alpha = sw / (2.0 * q);
  const double A = dmath::pow(10.0, gainDb / 40.0);
  double b0 = 1, b1 = 0, b2 = 0, a0 = 1, a1 = 0, a2 = 0;
  switch (type) {
    case FilterType::LowPass:
      b0 = (1 - cw) / 2; b1 = 1 - cw; b2 = (1 - cw) / 2;
      a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha;
      break;
    case FilterType::HighPass:
      b0 = (1 + cw) / 2; b1 = -(1 + cw); b2 = (1 + cw) / 2;
      a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha;
      break;
    case FilterType::BandPass:  // constant 0 dB peak gain
      b0 = alpha; b1 = 0; b2 = -alpha;
      a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha;
      break;
    case FilterType::Peak:
      b0 = 1 + alpha * A; b1 = -2 * cw; b2 = 1 - alpha * A;
      a0 = 1 + alpha / A; a1 = -2 * cw; a2 = 1 - alpha / A;
      break;
    case FilterType::LowShelf: {
      const double sa = 2 * std::sqrt(A) * (sw / 2.0) * std::sqrt(2.0);  // 2·√A·α at S = 1
      b0 = A * ((A + 1) - (A - 1) * cw + sa);
      b1 = 2 * A * ((A - 1) - (A + 1) * cw);
      b2 = A * ((A + 1) - (A - 1) * cw - sa);
      a0 = (A + 1) + (A - 1) * cw + sa;
      a1 = -2 * ((A - 1) + (A + 1) * cw);
      a2 = (A + 1) + (A - 1) * cw - sa;
      break;
    }
    case FilterType::HighShelf: {
      const double sa = 2 * std::sqrt(A) * (sw / 2.0) * std::sqrt(2.0);
      b0 = A * ((A + 1) + (A - 1) * cw + sa);
      b1 = -2 * A * ((A - 1) + (A + 1) * cw);
      b2 = A * ((A + 1) + (A - 1) * cw - sa);
      a0 = (A + 1) - (A - 1) * cw + sa;
      a1 = 2 * ((A - 1) - (A + 1) * cw);
      a2 = (A + 1) - (A - 1) * cw - sa;
      break;
    }
  }
  BiquadCoefficients c;
  c.b0 = b0 / a0;
  c.b1 = b1 / a0;
  c.b2 = b2 / a0;
  c.a1 = a1 / a0;
  c.a2 = a2 / a0;
  return c;
}

double BiquadCoefficients::magnitudeDb(double sampleRate, double freqHz) const {
  const double w = dmath::kTwoPi * freqHz / sampleRate;
  const double c1 = dmath::cos(w), s1 = dmath::sin(w);
  const double c2 = dmath::cos(2 * w), s2 = dmath::sin(2 * w);
  const double nr = b0 + b1 * c1 + b2 * c2, ni = -(b1 * s1 + b2 * s2);
  const double dr = 1 + a1 * c1 + a2 * c2, di = -(a1 * s1 + a2 * s2);
  return dmath::powerToDb((nr * nr + ni * ni) / (dr * dr + di * di));
}

void SmoothedBiquad::prepare(double sampleRate, FilterType type, double rampSeconds) {
  sampleRate_ = sampleRate;
  type_ = type;
  freq_.prepare(sampleRate, rampSeconds);
  q_.prepare(sampleRate, rampSeconds);
  gain_.prepare(sampleRate, rampSeconds);
  dirty_ = true;
  settled_ = false;
}

void SmoothedBiquad::reset() {
  snapToTargets();
  filter_.reset();
  idle_ = false;
}

void SmoothedBiquad::snapToTargets() {
  freq_.snap(freq_.target());
  q_.snap(q_.target());
  gain_.snap(gain_.target());
  counter_ = 0;
  redesign();
}

void SmoothedBiquad::advance() {
  if (freq_.isSmoothing() || q_.isSmoothing() || gain_.isSmoothing()) {
    freq_.next();
    q_.next();
    gain_.next();
    const bool settled = !(freq_.isSmoothing() || q_.isSmoothing() || gain_.isSmoothing());
    if ((counter_++ & 15) == 0 || settled) redesign();
  } else if (dirty_) {
    redesign();
  }
  settled_ = !(dirty_ || freq_.isSmoothing() || q_.isSmoothing() || gain_.isSmoothing());
}

void SmoothedBiquad::redesign() {
  filter_.setCoefficients(BiquadCoefficients::design(type_, sampleRate_, freq_.current(),
                                                     q_.current(), gain_.current()));
  dirty_ = false;
  settled_ = !(freq_.isSmoothing() || q_.isSmoothing() || gain_.isSmoothing());
}

}  // namespace vocalmix
