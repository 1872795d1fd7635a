// A seeded xorshift64 generator for test signals: the same numbers on every platform and
// compiler (std::uniform_real_distribution's are not specified).
#pragma once

#include <cstdint>

namespace vocalmix::testing {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  double uniform() {  // [-1, 1)
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<double>(s >> 11) * (2.0 / 9007199254740992.0) - 1.0;
  }
};

}  // namespace vocalmix::testing
