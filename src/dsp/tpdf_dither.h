// TpdfDither — triangular-PDF dither and rounding to an integer word length, with a fixed seed
// so the same render always produces the same bytes. Digital silence stays silent: no dither is
// added to a sample below -200 dBFS (far under a 24-bit LSB at -144 dB), so silence in gives
// silence out. Cost: two xorshift draws and a few exact double operations per sample. The floor
// is a truncation of the value already clamped to the word, not std::floor, whose general form
// (any magnitude, the sign of zero) costs more and is not needed there.
#pragma once

#include <cmath>
#include <cstdint>

namespace vocalmix {

// floor(y) as an integer, exactly, for y in [-2^31, 2^31) (not NaN): the conversion truncates
// toward zero, which is one too high for a negative non-integer. Subtracting the comparison
// rather than branching on it: a branch would follow the sign of the audio, mispredicted at
// every zero crossing and in the dither noise around them.
inline int32_t floorToInt32(double y) {
  const int32_t t = static_cast<int32_t>(y);
  return t - static_cast<int32_t>(static_cast<double>(t) > y);
}

class TpdfDither {
 public:
  explicit TpdfDither(uint64_t seed = 0x9E3779B97F4A7C15ULL) : state_(seed ? seed : 1) {}

  // Quantises x (full scale ±1.0) to a signed integer of `bits` bits (16 or 24), clamped to the
  // word's range, with ±1 LSB peak triangular dither. A NaN gives INT32_MIN (what the
  // conversion gave on x86-64 when this was written with std::floor): far outside the word, so
  // the writer clips it to negative full scale.
  int32_t quantise(double x, int bits) {
    const double scale = static_cast<double>(int64_t{1} << (bits - 1));
    const double maxCode = scale - 1.0;
    if (std::fabs(x) < 1e-10) return 0;
    // Triangular on (-1, 1) LSB: the first uniform draw minus the second. The order is spelled
    // out because every delivered file depends on it (it was `uniform() - uniform()`, which
    // leaves it to the compiler; GCC drew the left one first). Each draw is k / 2^53, and so is
    // their difference with |k| < 2^53: subtracting the integers and scaling once gives exactly
    // the double that subtracting the two uniforms did.
    const int64_t first = draw53();
    const int64_t second = draw53();
    const double d = static_cast<double>(first - second) * (1.0 / 9007199254740992.0);
    const double y = x * scale + d + 0.5;
    // floor(y) clamped to the word. Clamping first gives the same result (floor is monotone and
    // keeps the integer limits) and bounds y for floorToInt32.
    if (y > maxCode) return static_cast<int32_t>(maxCode);
    if (y >= -scale) return floorToInt32(y);
    return y < -scale ? static_cast<int32_t>(-scale) : INT32_MIN;  // below the word, or NaN
  }

 private:
  // xorshift64* → the top 53 bits: uniform on [0, 1) in units of 2^-53.
  int64_t draw53() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<int64_t>((state_ * 0x2545F4914F6CDD1DULL) >> 11);
  }
  uint64_t state_;
};

}  // namespace vocalmix
