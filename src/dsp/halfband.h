// Half-band low-pass design shared by the oversamplers (saturation, true-peak detection):
// a Kaiser-windowed sinc whose odd taps are the only non-trivial ones (the centre tap is 1/2,
// the other even taps 0). No trigonometry: sin(π·d/2) = ±1 for odd d.
#pragma once

namespace vocalmix {

// Fills oddTaps[0 .. pairs-1] (taps at distance 1, 3, 5, … from the centre), scaled for exact
// unity gain at DC (1/2 + 2·Σ = 1). kaiserBeta trades stop-band depth for transition width.
void designHalfband(double* oddTaps, int pairs, double kaiserBeta);

// Modified Bessel function of the first kind, order 0 (for Kaiser windows).
double besselI0(double x);

}  // namespace vocalmix
