// RealFft — the real-input FFT of the denoiser, the noise-profile estimator and the analyses
// (tempo, reference match): one power-of-two size, double precision, in and out.
//
// A size-N real transform is a size-N/2 complex FFT of the even/odd samples packed as re/im,
// then a split with the twiddles e^{−2πik/N} (and the reverse for the inverse). The complex FFT
// is iterative decimation in time: a first pass that reads the packed input in bit-reversed
// order and writes it sorted (radix 4, or radix 8 when log2(N/2) is odd; radix 2 for N = 4 and
// 16), then radix-4 passes (two radix-2 stages per sweep, 3 complex twiddle multiplications per
// 4 points, twiddles stored in the order the loop reads them). Loops run two lanes at a time (Pair); the split
// computes bins k and N/2−k from the same pair of values. Every twiddle comes from dmath,
// every operation is + − × in a fixed order, so native and WASM builds give the same bits.
//
// Why not KissFFT (the library first chosen): its recursive, strided transform cost ~100 k
// instructions per 1024-point real FFT here, 37 % of a whole render; this one costs about a
// quarter of that (≈ 27 k per 1024-point forward, callgrind), and in double precision (KissFFT was
// built for float).
//
// Accuracy: against a long-double DFT, max error ≈ 1e-15 of the signal's norm
// (tests/dsp/real_fft_test.cpp). Not thread-safe per instance (it has a work buffer);
// process() paths call it without allocating.
#pragma once

#include <vector>

namespace vocalmix {

class RealFft {
 public:
  void prepare(int size);  // allocates; size a power of two, 4 … 65536
  int size() const { return size_; }
  // in: size() samples → re/im: size()/2+1 bins, unnormalised (Σ x·e^{−jωn}).
  void forward(const double* in, double* re, double* im);
  // re/im: size()/2+1 bins → out: size() samples, unnormalised (a round trip scales by size()).
  // The imaginary parts of bins 0 and size()/2 are ignored.
  void inverse(const double* re, const double* im, double* out);

 private:
  // Complex FFT of the half_ values packed as re, im pairs in x (natural order) → zr_/zi_.
  void transform(const double* x);

  int size_ = 0, half_ = 0;
  int firstRadix_ = 4;  // log2(half_) even: 4; odd: 8, or 2 below half_ = 32
  double w8_ = 0.0;     // cos(π/4), for the radix-8 first pass
  std::vector<int> groupIndex_;  // first pass: group r's outputs start at bitreverse(r)
  std::vector<double> twiddle_;  // radix-4 passes, see prepare()
  std::vector<double> splitRe_, splitIm_;  // e^{−2πik/N}, k = 0 … half_
  std::vector<double> zr_, zi_;
  std::vector<double> packed_;  // inverse: the split's output, packed for transform()
};

}  // namespace vocalmix
