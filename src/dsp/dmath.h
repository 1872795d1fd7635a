// dmath — the engine's own transcendental functions, built only from + − × ÷, sqrt and exact
// bit manipulation, so native (glibc) and WebAssembly (musl) builds agree to the last bit.
// Accuracy: relative error ~1e-15 over the engine's ranges (tested against std:: in
// tests/dsp/dmath_test.cpp). Cost: a range reduction plus a ~13-term polynomial each.
#pragma once

namespace vocalmix::dmath {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kTwoPi = 6.28318530717958647692;
inline constexpr double kLn2 = 0.69314718055994530942;
inline constexpr double kLn10 = 2.30258509299404568402;

double exp(double x);
double expm1(double x);
double log(double x);
double log10(double x);
double log2(double x);
double pow(double base, double exponent);  // base > 0 (the engine never needs more)
double sin(double x);
double cos(double x);
double tan(double x);
double tanh(double x);

// Decibel conversions, amplitude scale (20·log10).
inline double dbToGain(double db) { return exp(db * (kLn10 / 20.0)); }
// Floors at -400 dB so silence maps to a finite number.
double gainToDb(double gain);
// Power scale (10·log10) for energies.
double powerToDb(double power);

// Inline twins for per-sample gain paths (the dynamics processors). Same range reduction, table
// and polynomial as exp()/log(), evaluated in the same order, so the results are bit-identical
// (tested over the whole domain); they save the call, the special-case checks and log()'s
// per-term divisions. Outside their fast domain — |x| <= 700 for expInline, positive normal
// finite x for logInline — they defer to exp()/log(), so they agree everywhere.
namespace detail {
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // trailing bits zero: k·kLn2Hi exact
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;
inline constexpr double kInvLn2 = 1.44269504088896338700e+00;
// 2^(j/32), correctly rounded (hex literals, so every build has the same bits).
inline constexpr double kExp2Table[32] = {
    0x1.0000000000000p+0,  // 2^(0/32)
    0x1.059b0d3158574p+0,  // 2^(1/32)
    0x1.0b5586cf9890fp+0,  // 2^(2/32)
    0x1.11301d0125b51p+0,  // 2^(3/32)
    0x1.172b83c7d517bp+0,  // 2^(4/32)
    0x1.1d4873168b9aap+0,  // 2^(5/32)
    0x1.2387a6e756238p+0,  // 2^(6/32)
    0x1.29e9df51fdee1p+0,  // 2^(7/32)
    0x1.306fe0a31b715p+0,  // 2^(8/32)
    0x1.371a7373aa9cbp+0,  // 2^(9/32)
    0x1.3dea64c123422p+0,  // 2^(10/32)
    0x1.44e086061892dp+0,  // 2^(11/32)
    0x1.4bfdad5362a27p+0,  // 2^(12/32)
    0x1.5342b569d4f82p+0,  // 2^(13/32)
    0x1.5ab07dd485429p+0,  // 2^(14/32)
    0x1.6247eb03a5585p+0,  // 2^(15/32)
    0x1.6a09e667f3bcdp+0,  // 2^(16/32)
    0x1.71f75e8ec5f74p+0,  // 2^(17/32)
    0x1.7a11473eb0187p+0,  // 2^(18/32)
    0x1.82589994cce13p+0,  // 2^(19/32)
    0x1.8ace5422aa0dbp+0,  // 2^(20/32)
    0x1.93737b0cdc5e5p+0,  // 2^(21/32)
    0x1.9c49182a3f090p+0,  // 2^(22/32)
    0x1.a5503b23e255dp+0,  // 2^(23/32)
    0x1.ae89f995ad3adp+0,  // 2^(24/32)
    0x1.b7f76f2fb5e47p+0,  // 2^(25/32)
    0x1.c199bdd85529cp+0,  // 2^(26/32)
    0x1.cb720dcef9069p+0,  // 2^(27/32)
    0x1.d5818dcfba487p+0,  // 2^(28/32)
    0x1.dfc97337b9b5fp+0,  // 2^(29/32)
    0x1.ea4afa2a490dap+0,  // 2^(30/32)
    0x1.f50765b6e4540p+0,  // 2^(31/32)
};

inline double fromBits(unsigned long long b) {
  double d;
  __builtin_memcpy(&d, &b, sizeof d);
  return d;
}
inline unsigned long long toBits(double d) {
  unsigned long long b;
  __builtin_memcpy(&b, &d, sizeof b);
  return b;
}
}  // namespace detail

inline double expInline(double x) {
  if (!(x >= -700.0 && x <= 700.0)) return exp(x);  // also NaN
  const double v = x * (32.0 * detail::kInvLn2) + 0.5;
  int ki = static_cast<int>(v);
  if (v < ki) --ki;
  const double k = ki;
  const double r = (x - k * (detail::kLn2Hi / 32.0)) - k * (detail::kLn2Lo / 32.0);
  double p = 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // |x| <= 700 keeps 2^(ki >> 5) and the result normal.
  const double scale = detail::fromBits(static_cast<unsigned long long>((ki >> 5) + 1023) << 52);
  return detail::kExp2Table[ki & 31] * p * scale;
}

namespace detail {
// log(2^e · m) for m in [1, 2): the shared core of log() and logInline(). m is folded into
// [√½, √2) and log(m) = 2·atanh(s), s = (m−1)/(m+1), |s| <= 0.1716: odd series to s^21.
inline double logOf(double m, int e) {
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  const double logm = 2.0 * (s + s * s2 * p);
  const double de = static_cast<double>(e);
  return de * kLn2Hi + (logm + de * kLn2Lo);
}
// The mantissa of a double's bits as a value in [1, 2).
inline double mantissa(unsigned long long bits) {
  return fromBits((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
}
}  // namespace detail

inline double logInline(double x) {
  const unsigned long long bits = detail::toBits(x);
  const int biased = static_cast<int>(bits >> 52);  // the sign bit makes negatives >= 2048
  if (biased < 1 || biased > 2046) return log(x);   // 0, subnormal, negative, Inf, NaN
  return detail::logOf(detail::mantissa(bits), biased - 1023);
}

// Bit-identical to dbToGain / gainToDb / powerToDb.
inline double dbToGainInline(double db) { return expInline(db * (kLn10 / 20.0)); }
inline double gainToDbInline(double gain) {
  const double g = __builtin_fabs(gain);
  if (g < 1e-20) return -400.0;
  return 20.0 * (logInline(g) * (1.0 / kLn10));
}
inline double powerToDbInline(double power) {
  if (power < 1e-40) return -400.0;
  return 10.0 * (logInline(power) * (1.0 / kLn10));
}

}  // namespace vocalmix::dmath
