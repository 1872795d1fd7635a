// An independent true-peak meter for tests (std:: math, nothing from src/): max |x(t)| over 16
// points per sample interval, reconstructed with a Kaiser-windowed sinc of ±half samples
// (β as given). Returns dBTP. Slow on purpose: a direct convolution per point.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace vocalmix::testing {

inline double besselI0(double x) {
  double s = 1, t = 1;
  for (int k = 1; k < 80; ++k) {
    t *= (x / (2 * k)) * (x / (2 * k));
    s += t;
  }
  return s;
}

inline double referenceTruePeakDb(const std::vector<double>& x, int half = 32, double beta = 8.0) {
  constexpr int kOver = 16;
  constexpr double kPi = 3.14159265358979323846;
  std::vector<std::vector<double>> table(kOver, std::vector<double>(2 * half));
  for (int p = 0; p < kOver; ++p) {
    for (int i = 0; i < 2 * half; ++i) {
      const double t = (i - (half - 1)) - static_cast<double>(p) / kOver;  // sample − point
      const double r = t / half;
      const double w = besselI0(beta * std::sqrt(std::max(0.0, 1 - r * r))) / besselI0(beta);
      table[p][i] = (t == 0 ? 1.0 : std::sin(kPi * t) / (kPi * t)) * w;
    }
  }
  double peak = 0;
  const int n = static_cast<int>(x.size());
  for (int m = 0; m < n; ++m) {
    peak = std::max(peak, std::fabs(x[m]));
    for (int p = 1; p < kOver; ++p) {
      double v = 0;
      for (int i = 0; i < 2 * half; ++i) {
        const int k = m - (half - 1) + i;
        if (k >= 0 && k < n) v += x[k] * table[p][i];
      }
      peak = std::max(peak, std::fabs(v));
    }
  }
  return 20 * std::log10(peak);
}

}  // namespace vocalmix::testing
