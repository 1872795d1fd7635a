// Pair — two doubles as one value, for loops that run two independent lanes side by side
// (stereo channels, FFT butterflies, delay lines). GCC/Clang vector extensions: natively SSE2;
// under WebAssembly without SIMD each operation becomes two scalar ones. Every operation is
// element-wise IEEE arithmetic, so the bits are the same as the scalar code's on every target.
#pragma once

namespace vocalmix {

typedef double Pair __attribute__((vector_size(16)));
typedef long long PairMask __attribute__((vector_size(16)));

inline Pair loadPair(const double* p) {
  Pair v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void storePair(double* p, Pair v) { __builtin_memcpy(p, &v, sizeof v); }
inline Pair splat(double v) { return Pair{v, v}; }

// Per lane: |v| < threshold ? 0 : v (NaN is kept, as in the scalar form).
inline Pair flushBelow(Pair v, double threshold) {
  const PairMask absBits = (PairMask)v & PairMask{0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
  const PairMask small = (Pair)absBits < splat(threshold);
  return (Pair)((PairMask)v & ~small);
}

}  // namespace vocalmix
