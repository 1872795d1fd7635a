// PairBiquad — two biquads run side by side as one Pair (dsp/pair.h): one set of coefficients
// for both lanes (a stereo return filter, the two hops of a cross-fed delay), or two different
// filters loaded from scalar Biquads (see also dsp/biquad_lanes.h). Each lane does
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
  PairBiquad() = default;
  // Two different filters as the lanes (lane 0 is `a`, lane 1 is `b`), each with its own
  // coefficients and current state; storeState() hands the state back.
  PairBiquad(const Biquad& a, const Biquad& b) {
    const BiquadCoefficients& ca = a.coefficients();
    const BiquadCoefficients& cb = b.coefficients();
    b0_ = Pair{ca.b0, cb.b0};
    b1_ = Pair{ca.b1, cb.b1};
    b2_ = Pair{ca.b2, cb.b2};
    a1_ = Pair{ca.a1, cb.a1};
    a2_ = Pair{ca.a2, cb.a2};
    s1_ = Pair{a.state1(), b.state1()};
    s2_ = Pair{a.state2(), b.state2()};
  }
  void storeState(Biquad& a, Biquad& b) const {
    a.setState(s1_[0], s2_[0]);
    b.setState(s1_[1], s2_[1]);
  }
  void reset() { s1_ = s2_ = splat(0.0); }
  Pair process(Pair x) {
    const Pair y = b0_ * x + s1_;
    s1_ = flushBelow(b1_ * x - a1_ * y + s2_, 1e-30);
    s2_ = flushBelow(b2_ * x - a2_ * y, 1e-30);
    return y;
  }
  // process() without the flush of s1, the one on the recurrence's critical path (y → s1 → y):
  // `flushed` collects (as nonzero bits) every s1 the flush would have changed — below 1e-30 in
  // magnitude and not +0. While it stays clear the two forms agree bit for bit; a caller that
  // finds it set redoes the run with process() from a copy taken before.
  Pair processUnflushed(Pair x, PairMask& flushed) {
    const Pair y = b0_ * x + s1_;
    s1_ = b1_ * x - a1_ * y + s2_;
    s2_ = flushBelow(b2_ * x - a2_ * y, 1e-30);
    flushed |= (PairMask)s1_ & (absPair(s1_) < splat(1e-30));
    return y;
  }

 private:
  Pair b0_{1.0, 1.0}, b1_{}, b2_{}, a1_{}, a2_{};
  Pair s1_{}, s2_{};
};

}  // namespace vocalmix
