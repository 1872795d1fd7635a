// Deterministic transcendental functions. Range reductions use Cody–Waite splits of ln2 and
// π/2 (the fdlibm constants) so the reduced argument is exact; the kernels are Taylor series
// evaluated by Horner, truncated where the next term is below 1e-17 relative. exp reduces
// further with a 32-entry table of 2^(j/32), which halves its polynomial (it runs per sample
// in the dynamics processors).
#include "dsp/dmath.h"

#include <cmath>  // only floor/fabs/sqrt/isnan/isinf: exact IEEE operations, not libm kernels
#include <cstdint>
#include <cstring>
#include <limits>

namespace vocalmix::dmath {
namespace {

using detail::kInvLn2;
using detail::kLn2Hi;
using detail::kLn2Lo;
constexpr double kPio2Hi = 1.57079632673412561417e+00;  // π/2 in three parts (fdlibm)
constexpr double kPio2Mid = 6.07710050650619224932e-11;
constexpr double kPio2Lo = 2.02226624879595063154e-21;
constexpr double kTwoOverPi = 6.36619772367581382433e-01;

// std::bit_cast, which the libc++ of emscripten 3.1.6 lacks.
template <typename To, typename From>
To bitCast(const From& from) {
  static_assert(sizeof(To) == sizeof(From));
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}

// 2^k for integer k in the normal range, built from the exponent bits.
double twoPow(int k) {
  return bitCast<double>(static_cast<uint64_t>(k + 1023) << 52);
}

// e^r for |r| <= ln2/64 (+ rounding): Taylor to r^7 (next term < 5e-21).
double expKernelSmall(double r) {
  double p = 1.0 / 5040.0;
  constexpr double kInvFact[] = {1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0};
  for (double c : kInvFact) p = p * r + c;
  return p;
}

// sin(r), cos(r) for |r| <= π/4 (Taylor to r^19 / r^20).
double sinKernel(double r) {
  const double r2 = r * r;
  double p = -1.0 / 121645100408832000.0;  // -1/19!
  p = p * r2 + 1.0 / 355687428096000.0;
  p = p * r2 - 1.0 / 1307674368000.0;
  p = p * r2 + 1.0 / 6227020800.0;
  p = p * r2 - 1.0 / 39916800.0;
  p = p * r2 + 1.0 / 362880.0;
  p = p * r2 - 1.0 / 5040.0;
  p = p * r2 + 1.0 / 120.0;
  p = p * r2 - 1.0 / 6.0;
  return r + r * r2 * p;
}
double cosKernel(double r) {
  const double r2 = r * r;
  double p = 1.0 / 2432902008176640000.0;  // 1/20!
  p = p * r2 - 1.0 / 6402373705728000.0;
  p = p * r2 + 1.0 / 20922789888000.0;
  p = p * r2 - 1.0 / 87178291200.0;
  p = p * r2 + 1.0 / 479001600.0;
  p = p * r2 - 1.0 / 3628800.0;
  p = p * r2 + 1.0 / 40320.0;
  p = p * r2 - 1.0 / 720.0;
  p = p * r2 + 1.0 / 24.0;
  p = p * r2 - 0.5;
  return 1.0 + r2 * p;
}

// Reduces x to r in [-π/4, π/4] and the quadrant q (mod 4). Exact for |x| < 2^20·π/2,
// far beyond any phase the engine computes.
double reduceQuadrant(double x, int& q) {
  const double k = std::floor(x * kTwoOverPi + 0.5);
  q = static_cast<int>(static_cast<int64_t>(k) & 3);
  return ((x - k * kPio2Hi) - k * kPio2Mid) - k * kPio2Lo;
}

}  // namespace

double exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  // x = (32·m + j)·ln2/32 + r: e^x = 2^m · 2^(j/32) · e^r with |r| ≤ ln2/64.
  // Round to nearest by truncation (|v| < 2^16 here): std::floor is a libm call on baseline
  // x86-64, and this runs per sample.
  const double v = x * (32.0 * kInvLn2) + 0.5;
  int ki = static_cast<int>(v);
  if (v < ki) --ki;
  const double k = ki;
  const double r = (x - k * (kLn2Hi / 32.0)) - k * (kLn2Lo / 32.0);
  const int m = ki >> 5;  // floor(ki / 32), also for negative ki
  const double e = detail::kExp2Table[ki & 31] * expKernelSmall(r);
  if (m >= -1021) {
    if (m <= 1023) return e * twoPow(m);
    return e * twoPow(m - 1) * 2.0;
  }
  // Subnormal result: scale in two exact steps.
  return e * twoPow(m + 600) * twoPow(-600);
}

double expm1(double x) {
  if (std::fabs(x) >= 0.5) return exp(x) - 1.0;
  // Taylor to x^17 (next term < 2e-20 for |x| < 0.5) keeps relative accuracy near zero.
  double p = 1.0 / 355687428096000.0;  // 1/17!
  constexpr double kInvFact[] = {1.0 / 20922789888000.0, 1.0 / 1307674368000.0,
                                 1.0 / 87178291200.0,    1.0 / 6227020800.0,
                                 1.0 / 479001600.0,      1.0 / 39916800.0,
                                 1.0 / 3628800.0,        1.0 / 362880.0,
                                 1.0 / 40320.0,          1.0 / 5040.0,
                                 1.0 / 720.0,            1.0 / 120.0,
                                 1.0 / 24.0,             1.0 / 6.0,
                                 0.5,                    1.0};
  for (double c : kInvFact) p = p * x + c;
  return p * x;
}

double log(double x) {
  if (std::isnan(x) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  uint64_t bits = bitCast<uint64_t>(x);
  int e = static_cast<int>((bits >> 52) & 0x7ff);
  if (e == 0) {  // subnormal: normalise exactly by 2^54
    bits = bitCast<uint64_t>(x * 18014398509481984.0);
    e = static_cast<int>((bits >> 52) & 0x7ff) - 54;
  }
  return detail::logOf(detail::mantissa(bits), e - 1023);
}

double log10(double x) { return log(x) * (1.0 / kLn10); }
double log2(double x) { return log(x) * kInvLn2; }

double pow(double base, double exponent) {
  if (exponent == 0.0) return 1.0;
  if (base == 0.0) return exponent > 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  return exp(exponent * log(base));
}

double sin(double x) {
  if (!std::isfinite(x)) return std::numeric_limits<double>::quiet_NaN();
  int q = 0;
  const double r = reduceQuadrant(x, q);
  switch (q) {
    case 0: return sinKernel(r);
    case 1: return cosKernel(r);
    case 2: return -sinKernel(r);
    default: return -cosKernel(r);
  }
}

double cos(double x) {
  if (!std::isfinite(x)) return std::numeric_limits<double>::quiet_NaN();
  int q = 0;
  const double r = reduceQuadrant(x, q);
  switch (q) {
    case 0: return cosKernel(r);
    case 1: return -sinKernel(r);
    case 2: return -cosKernel(r);
    default: return sinKernel(r);
  }
}

double tan(double x) { return sin(x) / cos(x); }

double tanh(double x) {
  if (std::isnan(x)) return x;
  if (x > 20.0) return 1.0;
  if (x < -20.0) return -1.0;
  const double t = expm1(2.0 * x);
  return t / (t + 2.0);
}

double gainToDb(double gain) {
  const double g = std::fabs(gain);
  if (g < 1e-20) return -400.0;
  return 20.0 * log10(g);
}

double powerToDb(double power) {
  if (power < 1e-40) return -400.0;
  return 10.0 * log10(power);
}

}  // namespace vocalmix::dmath
