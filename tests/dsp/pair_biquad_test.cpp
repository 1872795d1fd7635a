// PairBiquad against the scalar Biquad it pairs up. Reference: Biquad::process run separately on
// each lane; tolerance: none — every lane must match bit for bit (same operations, same order,
// same 1e-30 state flush), through the decay after the input stops.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "dsp/biquad.h"
#include "dsp/pair_biquad.h"

using namespace vocalmix;

namespace {

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("PairBiquad: each lane is bit-identical to a scalar Biquad", "[pair_biquad]") {
  const FilterType types[] = {FilterType::HighPass, FilterType::LowPass, FilterType::Peak};
  for (FilterType type : types) {
    const auto c = BiquadCoefficients::design(type, 48000.0, 150.0, 0.7071, 6.0);
    Biquad left, right;
    PairBiquad pair;
    left.setCoefficients(c);
    right.setCoefficients(c);
    pair.setCoefficients(c);
    uint64_t s = 0x9e3779b97f4a7c15ull;
    int mismatches = 0;
    // 0.5 s of noise, then 9.5 s of silence: the lanes must follow the scalar filters through
    // the flushes. (A low-corner high-pass may ring near 1e-28 for ever, see biquad.h, so the
    // tail is bounded at the −400 dB floor the processors use, not required to be zero.)
    for (int i = 0; i < 480000; ++i) {
      double l = 0.0, r = 0.0;
      if (i < 24000) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        l = static_cast<double>(s >> 11) / 9007199254740992.0 - 0.5;
        r = i % 7 == 0 ? -l : 0.25 * l;
      }
      const Pair y = pair.process(Pair{l, r});
      const double yl = left.process(l), yr = right.process(r);
      mismatches += sameBits(y[0], yl) && sameBits(y[1], yr) ? 0 : 1;
    }
    CHECK(mismatches == 0);
    const Pair last = pair.process(Pair{0.0, 0.0});
    CHECK(std::fabs(last[0]) < 1e-20);
    CHECK(std::fabs(last[1]) < 1e-20);
  }
}

TEST_CASE("PairBiquad: reset clears the state", "[pair_biquad]") {
  PairBiquad pair;
  pair.setCoefficients(
      BiquadCoefficients::design(FilterType::LowPass, 48000.0, 1000.0, 0.7071, 0.0));
  pair.process(Pair{1.0, -1.0});
  pair.reset();
  const Pair y = pair.process(Pair{0.0, 0.0});
  CHECK(y[0] == 0.0);
  CHECK(y[1] == 0.0);
}
