// dmath_pair: the two-lane exp and log against the scalar inline twins they copy. Reference:
// dmath::expInline / logInline per lane; the requirement is exact equality of the bits (the
// gain paths that use them promise outputs identical to the per-sample form).
#include "dsp/dmath_pair.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

using namespace vocalmix;

namespace {
uint64_t bitsOf(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
bool sameBits(double a, double b) { return bitsOf(a) == bitsOf(b); }
}  // namespace

TEST_CASE("expPair equals expInline bit for bit in each lane", "[dmath]") {
  const dmath::PairConstants c;
  int mismatches = 0, checked = 0;
  // Dense over the fast domain (both ends included), with the two lanes far apart.
  for (double x = -700.0; x <= 700.0; x += 0.01731) {
    const double other = -x * 0.37 + 1.5;
    const Pair r = dmath::expPair(Pair{x, other}, c);
    const Pair q = dmath::expPairInRange(Pair{other, x}, c);
    mismatches += !sameBits(r[0], dmath::expInline(x)) + !sameBits(r[1], dmath::expInline(other));
    mismatches += !sameBits(q[0], dmath::expInline(other)) + !sameBits(q[1], dmath::expInline(x));
    checked += 4;
  }
  // The gain range (dB → ln) finely, where the floor step and table index change often.
  for (double db = -120.0; db <= 24.0; db += 0.000731) {
    const double x = db * (dmath::kLn10 / 20.0);
    const Pair r = dmath::expPairInRange(Pair{x, -x}, c);
    mismatches += !sameBits(r[0], dmath::dbToGainInline(db));
    mismatches += !sameBits(r[1], dmath::expInline(-x));
    checked += 2;
  }
  INFO(mismatches << " of " << checked);
  CHECK(mismatches == 0);
  // Exact points and the fallback outside the fast domain (both lanes take the scalar form).
  CHECK(dmath::expPair(Pair{0.0, -0.0}, c)[0] == 1.0);
  CHECK(dmath::expPair(Pair{0.0, -0.0}, c)[1] == 1.0);
  const Pair out = dmath::expPair(Pair{-800.0, 1.0}, c);
  CHECK(out[0] == 0.0);
  CHECK(sameBits(out[1], dmath::expInline(1.0)));
  CHECK(std::isinf(dmath::expPair(Pair{800.0, 0.0}, c)[0]));
  CHECK(std::isnan(dmath::expPair(Pair{0.0, std::nan("")}, c)[1]));
}

TEST_CASE("logPair equals logInline bit for bit for positive normal lanes", "[dmath]") {
  const dmath::PairConstants c;
  int mismatches = 0, checked = 0;
  for (double x = 2.3e-308; x < 1e308; x *= 1.0173) {
    const double other = std::sqrt(x) * 3.7;  // normal too
    const Pair r = dmath::logPair(Pair{x, other}, c);
    mismatches += !sameBits(r[0], dmath::logInline(x)) + !sameBits(r[1], dmath::logInline(other));
    checked += 2;
  }
  // Around 1 and the √2 fold, where the mantissa branch and the exponent step meet.
  for (double x = 0.5; x < 2.0; x += 1.37e-5) {
    const Pair r = dmath::logPair(Pair{x, x * 1e-30}, c);
    mismatches += !sameBits(r[0], dmath::logInline(x));
    mismatches += !sameBits(r[1], dmath::logInline(x * 1e-30));
    checked += 2;
  }
  const double fold = 1.4142135623730951;
  for (double x : {fold, std::nextafter(fold, 2.0), std::nextafter(fold, 1.0), 1.0, 2.0, 0.5}) {
    const Pair r = dmath::logPair(Pair{x, x * 1024.0}, c);
    mismatches += !sameBits(r[0], dmath::logInline(x));
    mismatches += !sameBits(r[1], dmath::logInline(x * 1024.0));
    checked += 2;
  }
  INFO(mismatches << " of " << checked);
  CHECK(mismatches == 0);
  CHECK(dmath::logPair(Pair{1.0, 1.0}, c)[0] == 0.0);
}
