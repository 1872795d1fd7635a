// One-pole/one-zero DC blocker (the classic "leaky differentiator", normalised).
// The pole radius comes from dmath::exp so native and WASM agree to the last bit.
#include "dsp/dc_blocker.h"

#include "dsp/dmath.h"
#include "dsp/pair.h"

namespace vocalmix {

namespace {
double poleFor(double cornerHz, double sampleRate) {
  return dmath::exp(-dmath::kTwoPi * cornerHz / sampleRate);
}
}  // namespace

void DcBlocker::prepare(double sampleRate, int /*maxBlock*/) {
  r_ = poleFor(cornerHz_, sampleRate);
  g_ = 0.5 * (1.0 + r_);
  reset();
}

void DcBlocker::reset() { x1_ = y1_ = 0.0; }

void DcBlocker::process(double* x, int n) {
  const double r = r_, g = g_;
  double x1 = x1_, y1 = y1_;
  for (int i = 0; i < n; ++i) {
    const double in = x[i];
    double y = g * (in - x1) + r * y1;
    // The feedback state decays forever without this; flushing keeps tails finite and
    // denormal-free (WASM has no flush-to-zero).
    if (y < 1e-30 && y > -1e-30) y = 0.0;
    x1 = in;
    y1 = y;
    x[i] = y;
  }
  x1_ = x1;
  y1_ = y1;
}

void StereoDcBlocker::prepare(double sampleRate, int /*maxBlock*/) {
  r_ = poleFor(cornerHz_, sampleRate);
  g_ = 0.5 * (1.0 + r_);
  reset();
}

void StereoDcBlocker::reset() { x1_[0] = x1_[1] = y1_[0] = y1_[1] = 0.0; }

void StereoDcBlocker::process(double* left, double* right, int n) {
  const Pair r = splat(r_), g = splat(g_);
  Pair x1 = loadPair(x1_), y1 = loadPair(y1_);
  for (int i = 0; i < n; ++i) {
    const Pair in = {left[i], right[i]};
    // flushBelow(·, 1e-30) is DcBlocker's flush per lane (−0 and ±1e-31 become +0, NaN stays).
    const Pair y = flushBelow(g * (in - x1) + r * y1, 1e-30);
    x1 = in;
    y1 = y;
    left[i] = y[0];
    right[i] = y[1];
  }
  storePair(x1_, x1);
  storePair(y1_, y1);
}

}  // namespace vocalmix
