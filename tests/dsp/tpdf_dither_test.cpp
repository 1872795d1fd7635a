// TpdfDither: reference is the first implementation (std::floor of x·2^(bits-1) + d + 0.5 with
// d = uniform() − uniform(), clamped after the floor), kept below. The inline floor and the
// integer difference of the draws must give the same codes for every input, exactly, and leave
// the generator in the same state. floorToInt32 is checked against std::floor.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "dsp/tpdf_dither.h"

using namespace vocalmix;

namespace {

// The first implementation, with the order of the two draws made explicit (first − second,
// as GCC evaluated it when the reference renders were made). NaN is left out: its conversion
// to int32 was undefined.
class ReferenceDither {
 public:
  explicit ReferenceDither(uint64_t seed) : state_(seed ? seed : 1) {}
  int32_t quantise(double x, int bits) {
    const double scale = static_cast<double>(int64_t{1} << (bits - 1));
    const double maxCode = scale - 1.0;
    if (std::fabs(x) < 1e-10) return 0;
    const double first = uniform();
    const double second = uniform();
    const double d = first - second;
    double q = std::floor(x * scale + d + 0.5);
    if (q > maxCode) q = maxCode;
    if (q < -scale) q = -scale;
    return static_cast<int32_t>(q);
  }

 private:
  double uniform() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    const uint64_t r = state_ * 0x2545F4914F6CDD1DULL;
    return static_cast<double>(r >> 11) * (1.0 / 9007199254740992.0);
  }
  uint64_t state_;
};

// Inputs that probe every boundary: silence threshold, exact codes and half codes (where the
// dither decides), full scale and beyond, infinities, denormals, and plain audio.
std::vector<double> probeInputs(int bits) {
  const double scale = std::ldexp(1.0, bits - 1);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> v = {0.0, -0.0, 1e-10, -1e-10, std::nextafter(1e-10, 0.0),
                           std::nextafter(-1e-10, 0.0), std::nextafter(1e-10, 1.0), 1e-9,
                           std::numeric_limits<double>::denorm_min(), 1.0, -1.0,
                           std::nextafter(1.0, 2.0), std::nextafter(-1.0, -2.0),
                           (scale - 1.0) / scale, (scale - 0.5) / scale, -(scale - 0.5) / scale,
                           1.5, -1.5, 1e30, -1e30, inf, -inf, 0.5, -0.5};
  for (double k : {0.0, 1.0, 2.0, 3.0, 100.0, 4095.0, scale / 2, scale - 2.0}) {
    for (double f : {0.0, 0.5, 0.25, 0.75, 1e-9, -1e-9, 0.5 - 1e-9, 0.5 + 1e-9}) {
      v.push_back((k + f) / scale);
      v.push_back(-(k + f) / scale);
    }
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.1, 1.1), tiny(-8.0, 8.0);
  for (int i = 0; i < 20000; ++i) {
    v.push_back(static_cast<float>(u(rng)));  // the render hands in floats
    v.push_back(u(rng));
    v.push_back(tiny(rng) / scale);  // a few LSB: the dither decides everything
  }
  return v;
}

}  // namespace

TEST_CASE("floorToInt32 equals std::floor", "[dither]") {
  std::vector<double> v = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1.0, -1.0, 2.0, -2.0,
                           -3.0, -8388608.0, 8388607.0, -32768.0, 32767.0, -2147483648.0,
                           std::nextafter(2147483648.0, 0.0), 1e-300, -1e-300,
                           std::numeric_limits<double>::denorm_min(),
                           -std::numeric_limits<double>::denorm_min()};
  for (double k = -20.0; k <= 20.0; k += 1.0) {
    v.push_back(std::nextafter(k, -100.0));  // just below an integer
    v.push_back(std::nextafter(k, 100.0));   // just above
  }
  for (double k : {8388607.0, -8388608.0, 1e9, -1e9, 2147483647.0, -2147483647.0}) {
    v.push_back(std::nextafter(k, 0.0));
    v.push_back(k + 0.5);
    v.push_back(k - 0.5);
  }
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1e7, 1e7), s(-3.0, 3.0);
  for (int i = 0; i < 100000; ++i) {
    v.push_back(u(rng));
    v.push_back(s(rng));
  }
  for (double y : v) {
    if (y < -2147483648.0 || y >= 2147483648.0) continue;
    INFO("y = " << y);
    REQUIRE(floorToInt32(y) == static_cast<int32_t>(std::floor(y)));
  }
}

TEST_CASE("TpdfDither gives the reference codes and draws, bit for bit", "[dither]") {
  for (int bits : {16, 24}) {
    for (uint64_t seed : {uint64_t{0x9E3779B97F4A7C15}, uint64_t{0xD1B54A32D192ED03}, uint64_t{0},
                          uint64_t{1}}) {
      TpdfDither dither(seed);
      ReferenceDither reference(seed);
      for (double x : probeInputs(bits)) {
        INFO("bits " << bits << ", seed " << seed << ", x = " << x);
        REQUIRE(dither.quantise(x, bits) == reference.quantise(x, bits));
      }
    }
  }
}

TEST_CASE("TpdfDither: NaN gives INT32_MIN and uses its draws like any sample", "[dither]") {
  TpdfDither dither(5);
  ReferenceDither reference(5);
  REQUIRE(dither.quantise(std::numeric_limits<double>::quiet_NaN(), 24) == INT32_MIN);
  reference.quantise(0.25, 24);  // two draws, as the NaN took
  for (int i = 0; i < 1000; ++i) {
    const double x = 0.001 * i - 0.5;
    REQUIRE(dither.quantise(x, 24) == reference.quantise(x, 24));
  }
}
