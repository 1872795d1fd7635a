// dmath on two lanes — expInline and logInline of dmath.h evaluated on a Pair: the same range
// reduction, table, polynomial and recombination as element-wise IEEE operations, so each lane
// has exactly the scalar function's bits (tested in tests/dsp/dmath_pair_test.cpp). For gain
// paths that take two samples at a time; the recurrences around them stay scalar.
//
// The constants come from a PairConstants table the caller owns (filled at run time, e.g. as a
// member): GCC would otherwise rebuild every splatted literal inside a loop (load + unpack per
// constant once the registers run out) instead of using it as a memory operand.
#pragma once

#include "dsp/dmath.h"
#include "dsp/pair.h"

namespace vocalmix::dmath {

typedef unsigned long long PairBits __attribute__((vector_size(16)));

class PairConstants {
 public:
  enum Index {
    kOne, kHalf, kTwo, kRoundMagic, kExpScale, kLn2Hi32, kLn2Lo32, kExpLowest, kExpHighest,
    kE5040, kE720, kE120, kE24, kE6, kSqrt2, kLn2Hi, kLn2Lo,
    kL21, kL19, kL17, kL15, kL13, kL11, kL9, kL7, kL5, kL3, kCount
  };
  PairConstants() {
    const double v[kCount] = {
        1.0, 0.5, 2.0,
        // 1.5·2^52: adding it rounds |v| < 2^51 to an integer held in the low mantissa bits;
        // the bits of k + 1.5·2^52 minus those of 1.5·2^52 are the integer k (two's
        // complement). This replaces the int conversions SSE2 and wasm lack for 64-bit lanes.
        6755399441055744.0,
        32.0 * detail::kInvLn2, detail::kLn2Hi / 32.0, detail::kLn2Lo / 32.0, -700.0, 700.0,
        1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0,
        1.4142135623730951, detail::kLn2Hi, detail::kLn2Lo,
        1.0 / 21.0, 1.0 / 19.0, 1.0 / 17.0, 1.0 / 15.0, 1.0 / 13.0, 1.0 / 11.0, 1.0 / 9.0,
        1.0 / 7.0, 1.0 / 5.0, 1.0 / 3.0};
    for (int i = 0; i < kCount; ++i) c_[i] = splat(v[i]);
  }
  const Pair& operator[](Index i) const { return c_[i]; }

 private:
  Pair c_[kCount];
};

// expInline on both lanes, for lanes the caller knows are within [−700, 700] (expInline's fast
// domain; NaN excluded).
inline Pair expPairInRange(Pair x, const PairConstants& c) {
  using C = PairConstants;
  const Pair v = x * c[C::kExpScale] + c[C::kHalf];
  const Pair nearest = (v + c[C::kRoundMagic]) - c[C::kRoundMagic];
  // floor(v), as the scalar form's truncation and step down: one less where rounding went up.
  const Pair k = nearest - (Pair)((PairMask)(nearest > v) & (PairMask)c[C::kOne]);
  const PairBits ki = (PairBits)(k + c[C::kRoundMagic]) - (PairBits)c[C::kRoundMagic];
  const Pair r = (x - k * c[C::kLn2Hi32]) - k * c[C::kLn2Lo32];
  Pair p = c[C::kE5040];
  p = p * r + c[C::kE720];
  p = p * r + c[C::kE120];
  p = p * r + c[C::kE24];
  p = p * r + c[C::kE6];
  p = p * r + c[C::kHalf];
  p = p * r + c[C::kOne];
  p = p * r + c[C::kOne];
  // 2^(ki >> 5): ki >= −32 317 for x >= −700, so (ki >> 5) + 1023 = (ki + 1023·32) >> 5 with
  // a non-negative unsigned operand.
  const Pair scale = (Pair)(((ki + 1023 * 32) >> 5) << 52);
  const Pair table{detail::kExp2Table[ki[0] & 31], detail::kExp2Table[ki[1] & 31]};
  return table * p * scale;
}

// expInline on both lanes, any input: outside the fast domain (|x| > 700 or NaN in either
// lane) both lanes take the scalar function.
inline Pair expPair(Pair x, const PairConstants& c) {
  using C = PairConstants;
  const PairMask inRange = (x >= c[C::kExpLowest]) & (x <= c[C::kExpHighest]);
  if (!(inRange[0] && inRange[1])) return Pair{expInline(x[0]), expInline(x[1])};
  return expPairInRange(x, c);
}

// logInline on two lanes that are both positive, normal and finite (the caller checks; other
// values give garbage, not the scalar function's special cases).
inline Pair logPair(Pair x, const PairConstants& c) {
  using C = PairConstants;
  const PairBits bits = (PairBits)x;
  const PairBits e = (bits >> 52) - 1023;
  const Pair mantissa = (Pair)((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  const PairMask fold = mantissa > c[C::kSqrt2];
  const Pair m = selectPair(fold, mantissa * c[C::kHalf], mantissa);  // exact
  // e (+ 1 where folded): small integers, so these double sums are exact, as the int ones are.
  const Pair de = ((Pair)((PairBits)c[C::kRoundMagic] + e) - c[C::kRoundMagic]) +
                  (Pair)(fold & (PairMask)c[C::kOne]);
  const Pair s = (m - c[C::kOne]) / (m + c[C::kOne]);
  const Pair s2 = s * s;
  Pair p = c[C::kL21];
  p = p * s2 + c[C::kL19];
  p = p * s2 + c[C::kL17];
  p = p * s2 + c[C::kL15];
  p = p * s2 + c[C::kL13];
  p = p * s2 + c[C::kL11];
  p = p * s2 + c[C::kL9];
  p = p * s2 + c[C::kL7];
  p = p * s2 + c[C::kL5];
  p = p * s2 + c[C::kL3];
  const Pair logm = c[C::kTwo] * (s + s * s2 * p);
  return de * c[C::kLn2Hi] + (logm + de * c[C::kLn2Lo]);
}

}  // namespace vocalmix::dmath
