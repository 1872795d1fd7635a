// One-pole/one-zero DC blocker (the classic "leaky differentiator", normalised).
// The pole radius comes from dmath::exp so native and WASM agree to the last bit.
#include "dsp/dc_blocker.h"

#include "dsp/dmath.h"

namespace vocalmix {

void DcBlocker::prepare(double sampleRate, int /*maxBlock*/) {
  r_ = dmath::exp(-dmath::kTwoPi * cornerHz_ / sampleRate);
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

}  // namespace vocalmix
