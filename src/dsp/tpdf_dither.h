// TpdfDither — triangular-PDF dither and rounding to an integer word length, with a fixed seed
// so the same render always produces the same bytes. Digital silence stays silent: no dither is
// added to a sample below -200 dBFS (far under a 24-bit LSB at -144 dB), so silence in gives
// silence out. Cost: two xorshift draws per sample.
#pragma once

#include <cmath>
#include <cstdint>

namespace vocalmix {

class TpdfDither {
 public:
  explicit TpdfDither(uint64_t seed = 0x9E3779B97F4A7C15ULL) : state_(seed ? seed : 1) {}

  // Quantises x (full scale ±1.0) to a signed integer of `bits` bits (16 or 24), clamped to the
  // word's range, with ±1 LSB peak triangular dither.
  int32_t quantise(double x, int bits) {
    const double scale = static_cast<double>(int64_t{1} << (bits - 1));
    const double maxCode = scale - 1.0;
    if (std::fabs(x) < 1e-10) return 0;
    const double d = uniform() - uniform();  // triangular on (-1, 1) LSB
    double q = std::floor(x * scale + d + 0.5);
    if (q > maxCode) q = maxCode;
    if (q < -scale) q = -scale;
    return static_cast<int32_t>(q);
  }

 private:
  // xorshift64* → uniform on [0, 1) with 53-bit resolution.
  double uniform() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    const uint64_t r = state_ * 0x2545F4914F6CDD1DULL;
    return static_cast<double>(r >> 11) * (1.0 / 9007199254740992.0);
  }
  uint64_t state_;
};

}  // namespace vocalmix
