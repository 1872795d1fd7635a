// RealFft — the real-input FFT of the denoiser, the noise-profile estimator and the analyses
// (tempo, reference match): one power-of-two size, double precision, in and out.
//
// A size-N real transform is a size-N/2 complex FFT of the even/odd samples packed as re/im,
// then a split with the twiddles e^{−2πik/N} (and the reverse for the inverse). The complex FFT
// is iterative radix-2 with the twiddles of each stage stored contiguously, so the butterfly
// loops run over contiguous memory (the compiler vectorises them). Every twiddle comes from
// dmath, every operation is + − ×, so native and WASM builds give the same bits.
//
// Why not KissFFT (the library first chosen): its recursive, strided transform cost ~100 k
// instructions per 1024-point real FFT here, 37 % of a whole render; this one costs about a
// third of that, and in double precision (KissFFT was built for float).
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
  void transform();  // in-place complex FFT of zr_/zi_ (already in bit-reversed order)

  int size_ = 0, half_ = 0;
  std::vector<int> bitReverse_;            // half_ entries
  std::vector<double> stageRe_, stageIm_;  // stage with span 2h: h twiddles at offset h − 1
  std::vector<double> splitRe_, splitIm_;  // e^{−2πik/N}, k = 0 … half_
  std::vector<double> zr_, zi_;
};

}  // namespace vocalmix
