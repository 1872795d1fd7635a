// Pair — two doubles as one value, for loops that run two independent lanes side by side
// (stereo channels, FFT butterflies, delay lines). GCC/Clang vector extensions: natively SSE2;
// under WebAssembly without SIMD each operation becomes two scalar ones. Every operation is
// element-wise IEEE arithmetic, so the bits are the same as the scalar code's on every target.
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Two adjacent floats widened to a Pair. float → double is exact, so both forms give the same
// bits; natively it is one cvtps2pd (GCC does not find it from the portable form).
inline Pair loadFloatPair(const float* p) {
#if defined(__SSE2__)
  return (Pair)_mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
#else
  typedef float Float2 __attribute__((vector_size(8)));
  Float2 v;
  __builtin_memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, Pair);
#endif
}

// A Pair rounded to two floats, stored adjacently (as static_cast<float> per lane: both round
// to nearest under the default rounding mode, so the bits are the same).
inline void storeFloatPair(float* p, Pair v) {
#if defined(__SSE2__)
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_castps_si128(_mm_cvtpd_ps((__m128d)v)));
#else
  typedef float Float2 __attribute__((vector_size(8)));
  const Float2 f = __builtin_convertvector(v, Float2);
  __builtin_memcpy(p, &f, sizeof f);
#endif
}

// Each lane rounded to float and widened back (what storing to float and reading back gives).
inline Pair roundToFloat(Pair v) {
#if defined(__SSE2__)
  return (Pair)_mm_cvtps_pd(_mm_cvtpd_ps((__m128d)v));
#else
  typedef float Float2 __attribute__((vector_size(8)));
  return __builtin_convertvector(__builtin_convertvector(v, Float2), Pair);
#endif
}

// {v[1], v[0]}.
inline Pair swapLanes(Pair v) { return __builtin_shufflevector(v, v, 1, 0); }

// Per lane: m ? a : b.
inline Pair selectPair(PairMask m, Pair a, Pair b) {
  return (Pair)(((PairMask)a & m) | ((PairMask)b & ~m));
}
// Per lane std::max / std::min (the same operand order and NaN behaviour) and |v|.
// std::max / std::min per lane (the same operand order, NaN and signed-zero rules), written as
// the vector conditional: GCC makes one maxpd/minpd of it, where the bitwise select costs four
// instructions. Under WebAssembly it is a per-lane select.
inline Pair maxPair(Pair a, Pair b) { return a < b ? b : a; }
inline Pair minPair(Pair a, Pair b) { return b < a ? b : a; }
inline Pair absPair(Pair v) {
  return (Pair)((PairMask)v & PairMask{0x7fffffffffffffffLL, 0x7fffffffffffffffLL});
}

// Per lane: |v| < threshold ? 0 : v (NaN is kept, as in the scalar form).
inline Pair flushBelow(Pair v, double threshold) {
  const PairMask absBits = (PairMask)v & PairMask{0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
  const PairMask small = (Pair)absBits < splat(threshold);
  return (Pair)((PairMask)v & ~small);
}

}  // namespace vocalmix
