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

}  // namespace vocalmix::dmath
