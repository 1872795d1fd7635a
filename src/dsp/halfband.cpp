#include "dsp/halfband.h"

#include <cmath>

#include "dsp/dmath.h"

namespace vocalmix {

// Power series; converges fast for the Kaiser β values used here (≤ 10).
double besselI0(double x) {
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 60; ++k) {
    const double h = x / (2.0 * k);
    term *= h * h;
    sum += term;
    if (term < sum * 1e-18) break;
  }
  return sum;
}

void designHalfband(double* a, int pairs, double beta) {
  const double span = 2.0 * pairs;
  double sum = 0.0;
  for (int m = 1; m <= pairs; ++m) {
    const double d = 2.0 * m - 1.0;
    const double r = d / span;
    const double w = besselI0(beta * std::sqrt(1.0 - r * r)) / besselI0(beta);
    a[m - 1] = ((m & 1) ? 1.0 : -1.0) / (dmath::kPi * d) * w;
    sum += a[m - 1];
  }
  for (int m = 0; m < pairs; ++m) a[m] *= 0.25 / sum;
}

}  // namespace vocalmix
