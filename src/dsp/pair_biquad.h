// PairBiquad — two biquads with one set of coefficients run side by side as one Pair
// (dsp/pair.h): a stereo return filter, or the two hops of a cross-fed delay. Each lane does
// exactly Biquad::process's arithmetic (same operations, same order, same 1e-30 state flush),
// so its output is bit-identical to a scalar Biquad's; the pair costs about what one scalar
// filter does. Latency 0; no allocation.
#pragma once

#include "dsp/biquad.h"
#include "dsp/pair.h"

namespace vocalmix {

class PairBiquad {
 public:
  void setCoefficients(const BiquadCoefficients& c) {
    b0_ = splat(c.b0);
    b1_ = splat(c.b1);
    b2_ = splat(c.b2);
    a1_ = splat(c.a1);
    a2_ = splat(c.a2);
  }
  void reset() { s1_ = s2_ = splat(0.0); }
  Pair process(Pair x) {
    const Pair y = b0_ * x + s1_;
    s1_ = flushBelow(b1_ * x - a1_ * y + s2_, 1e-30);
    s2_ = flushBelow(b2_ * x - a2_ * y, 1e-30);
    return y;
  }

 private:
  Pair b0_{1.0, 1.0}, b1_{}, b2_{}, a1_{}, a2_{};
  Pair s1_{}, s2_{};
};

}  // namespace vocalmix
