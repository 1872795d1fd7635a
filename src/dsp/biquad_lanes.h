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

// Runs `step(i)` for i in [first, last) in runs of up to kUnflushedRun, each run first with the
// lanes' unflushed form (PairBiquad::processUnflushed: the flush of s1 is what the recurrence
// waits on each sample, so leaving it out shortens the loop's critical path) and, if that flush
// would have changed any value in the run, again from copies of the lanes, the carried value
// and y[first .. last) as they were, with the flush. So the result is always the flushed one;
// the redo is for state decaying to 1e-30, i.e. the end of a filter's ring-out into silence.
// step(lanes, i, carry, flushed) processes element i; a null `flushed` means the flushed form.
constexpr int kUnflushedRun = 64;
template <class Step>
inline void runLanesUnflushed(PairBiquad& lanes, double& carry, double* y, int first, int last,
                              Step step) {
  double saved[kUnflushedRun];
  for (int start = first; start < last; start += kUnflushedRun) {
    const int end = start + kUnflushedRun < last ? start + kUnflushedRun : last;
    const PairBiquad lanesBefore = lanes;
    const double carryBefore = carry;
    for (int i = start; i < end; ++i) saved[i - start] = y[i];
    PairMask flushed = {0, 0};
    for (int i = start; i < end; ++i) step(lanes, i, carry, &flushed);
    if (flushed[0] | flushed[1]) {
      lanes = lanesBefore;
      carry = carryBefore;
      for (int i = start; i < end; ++i) y[i] = saved[i - start];
      for (int i = start; i < end; ++i) step(lanes, i, carry, nullptr);
    }
  }
}

// y[i] = b(a(y[i])) over y[0..n), in place, exactly as a.process then b.process sample by
// sample. Pipelined: at step i lane 0 filters sample i through `a` while lane 1 filters
// sample i − 1 (a's output from the step before) through `b`; the first step of `a` and the
// last of `b` run scalar. Any n >= 0.
inline void runBiquadsInSeries(Biquad& a, Biquad& b, double* y, int n) {
  if (n <= 0) return;
  double t = a.process(y[0]);  // a's output for the sample lane 1 takes next
  if (n > 1) {
    BiquadLanes lanes(a, b);
    // Each step reads y[i] and writes y[i − 1], so a run's redo needs only y[i]s restored.
    runLanesUnflushed(lanes, t, y, 1, n, [y](PairBiquad& l, int i, double& carry, PairMask* flushed) {
      const Pair in = {y[i], carry};
      const Pair out = flushed ? l.processUnflushed(in, *flushed) : l.process(in);
      carry = out[0];
      y[i - 1] = out[1];
    });
    lanes.storeState(a, b);
  }
  y[n - 1] = b.process(t);
}

// y[i] = f(y[i]) over y[0..n), in place, exactly as f.process sample by sample: both lanes run
// f (the second is a copy, for the unflushed form's shorter critical path; lanes cost what one
// does).
inline void runBiquad(Biquad& f, double* y, int n) {
  if (n <= 0) return;
  BiquadLanes lanes(f, f);
  double unused = 0.0;
  runLanesUnflushed(lanes, unused, y, 0, n, [y](PairBiquad& l, int i, double&, PairMask* flushed) {
    const Pair in = {y[i], y[i]};
    y[i] = (flushed ? l.processUnflushed(in, *flushed) : l.process(in))[0];
  });
  Biquad copy = f;
  lanes.storeState(f, copy);
}

}  // namespace vocalmix
