// BiquadLanes — two plain Biquads, each with its own coefficients, run as the two lanes of one
// Pair (dsp/pair.h): two filters fed side by side, or two filters in series pipelined one
// sample apart (runBiquadsInSeries). Each lane does exactly Biquad::process's arithmetic (same
// operations, same order, same 1e-30 state flush), so every output is bit-identical to the
// scalar filter's; two filters cost about what one scalar filter does. Latency 0; no allocation.
#pragma once

#include "dsp/biquad.h"
#include "dsp/pair.h"

namespace vocalmix {

class BiquadLanes {
 public:
  // Lane 0 is `a`, lane 1 is `b`: their coefficients and current state.
  BiquadLanes(const Biquad& a, const Biquad& b) {
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
  Pair process(Pair x) {
    const Pair y = b0_ * x + s1_;
    s1_ = flushBelow(b1_ * x - a1_ * y + s2_, 1e-30);
    s2_ = flushBelow(b2_ * x - a2_ * y, 1e-30);
    return y;
  }
  // Hands the state back to the filters the lanes were loaded from.
  void storeState(Biquad& a, Biquad& b) const {
    a.setState(s1_[0], s2_[0]);
    b.setState(s1_[1], s2_[1]);
  }

 private:
  Pair b0_, b1_, b2_, a1_, a2_;
  Pair s1_, s2_;
};

// y[i] = b(a(y[i])) over y[0..n), in place, exactly as a.process then b.process sample by
// sample. Pipelined: at step i lane 0 filters sample i through `a` while lane 1 filters
// sample i − 1 (a's output from the step before) through `b`; the first step of `a` and the
// last of `b` run scalar. Any n >= 0.
inline void runBiquadsInSeries(Biquad& a, Biquad& b, double* y, int n) {
  if (n <= 0) return;
  double t = a.process(y[0]);  // a's output for the sample lane 1 takes next
  if (n > 1) {
    BiquadLanes lanes(a, b);
    for (int i = 1; i < n; ++i) {
      const Pair out = lanes.process(Pair{y[i], t});
      t = out[0];
      y[i - 1] = out[1];
    }
    lanes.storeState(a, b);
  }
  y[n - 1] = b.process(t);
}

}  // namespace vocalmix
