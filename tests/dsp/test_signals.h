// Signals and measurements shared by the processor tests (test code: std:: math is fine here).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace vocalmix::test {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kFs = 48000.0;

inline double db(double gain) { return 20 * std::log10(gain); }

// Peak amplitude of the f Hz component over [start, start+len) (len whole periods of f).
inline double toneAmplitude(const std::vector<double>& x, int start, int len, double f) {
  double re = 0, im = 0;
  for (int n = start; n < start + len; ++n) {
    re += x[n] * std::cos(2 * kPi * f * n / kFs);
    im += x[n] * std::sin(2 * kPi * f * n / kFs);
  }
  return 2.0 * std::sqrt(re * re + im * im) / len;
}

// A sine of the given peak level in dBFS.
inline std::vector<double> sine(double peakDb, double f, int len) {
  std::vector<double> x(len);
  const double a = std::pow(10.0, peakDb / 20);
  for (int n = 0; n < len; ++n) x[n] = a * std::sin(2 * kPi * f * n / kFs);
  return x;
}

// Uniform white noise in ±amplitude from a linear congruential generator (the same numbers
// on every platform).
inline std::vector<double> uniformNoise(size_t n, double amplitude, uint32_t seed) {
  std::vector<double> v(n);
  for (double& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = amplitude * ((seed >> 8) / 8388608.0 - 1.0);
  }
  return v;
}

struct Stereo {
  std::vector<double> l, r;
};

// Runs a mono-in, stereo-out send effect over `in` in blocks of `block` (the last shorter).
template <typename Effect>
Stereo runSend(Effect& fx, const std::vector<double>& in, int block) {
  Stereo out{std::vector<double>(in.size()), std::vector<double>(in.size())};
  for (size_t i = 0; i < in.size(); i += block) {
    const int n = static_cast<int>(std::min<size_t>(block, in.size() - i));
    fx.process(in.data() + i, out.l.data() + i, out.r.data() + i, n);
  }
  return out;
}

}  // namespace vocalmix::test
