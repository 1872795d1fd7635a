// BiquadLanes — two plain Biquads, each with its own coefficients, run as the two lanes of one
// PairBiquad: two filters fed side by side, or two filters in series pipelined one sample
// apart (runBiquadsInSeries). Each lane does exactly Biquad::process's arithmetic (same
// operations, same order, same 1e-30 state flush), so every output is bit-identical to the
// scalar filter's; two filters cost about what one scalar filter does. Latency 0; no allocation.
#pragma once

#include "dsp/biquad.h"
#include "dsp/pair.h"
#include "dsp/pair_biquad.h"

namespace vocalmix {

// Two scalar filters as the lanes of one PairBiquad (its two-filter constructor and
// storeState()).
using BiquadLanes = PairBiquad;

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
