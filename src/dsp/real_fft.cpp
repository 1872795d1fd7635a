// RealFft — see the header for the method.
#include "dsp/real_fft.h"

#include <stdexcept>
#include <string>

#include "dsp/dmath.h"
#include "dsp/pair.h"

namespace vocalmix {

void RealFft::prepare(int size) {
  if (size < 4 || size > 65536 || (size & (size - 1)) != 0) {
    throw std::invalid_argument("RealFft: size must be a power of two in 4…65536, got " +
                                std::to_string(size));
  }
  size_ = size;
  half_ = size / 2;
  const int m = half_;
  int bits = 0;
  while ((1 << bits) < m) ++bits;
  bitReverse_.assign(static_cast<size_t>(m), 0);
  for (int i = 0; i < m; ++i) {
    int r = 0;
    for (int b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    bitReverse_[static_cast<size_t>(i)] = r;
  }
  // Stage twiddles e^{−2πij/(2h)} for j < h, h = 1, 2, 4, … m/2.
  stageRe_.assign(static_cast<size_t>(std::max(1, m - 1)), 1.0);
  stageIm_.assign(static_cast<size_t>(std::max(1, m - 1)), 0.0);
  for (int h = 1; h < m; h <<= 1) {
    for (int j = 0; j < h; ++j) {
      const double a = -dmath::kPi * j / h;
      stageRe_[static_cast<size_t>(h - 1 + j)] = dmath::cos(a);
      stageIm_[static_cast<size_t>(h - 1 + j)] = dmath::sin(a);
    }
  }
  splitRe_.assign(static_cast<size_t>(m + 1), 0.0);
  splitIm_.assign(static_cast<size_t>(m + 1), 0.0);
  for (int k = 0; k <= m; ++k) {
    const double a = -2.0 * dmath::kPi * k / size;
    splitRe_[static_cast<size_t>(k)] = dmath::cos(a);
    splitIm_[static_cast<size_t>(k)] = dmath::sin(a);
  }
  zr_.assign(static_cast<size_t>(m), 0.0);
  zi_.assign(static_cast<size_t>(m), 0.0);
}

void RealFft::transform() {
  double* zr = zr_.data();
  double* zi = zi_.data();
  const int m = half_;
  int h = 1;
  if (m >= 4) {
    // The first two stages fused (twiddles 1 and −i: no multiplications).
    for (int i = 0; i < m; i += 4) {
      const double a0r = zr[i] + zr[i + 1], a0i = zi[i] + zi[i + 1];
      const double a1r = zr[i] - zr[i + 1], a1i = zi[i] - zi[i + 1];
      const double a2r = zr[i + 2] + zr[i + 3], a2i = zi[i + 2] + zi[i + 3];
      const double a3r = zr[i + 2] - zr[i + 3], a3i = zi[i + 2] - zi[i + 3];
      zr[i] = a0r + a2r;
      zi[i] = a0i + a2i;
      zr[i + 2] = a0r - a2r;
      zi[i + 2] = a0i - a2i;
      // −i·a3 = a3i − i·a3r
      zr[i + 1] = a1r + a3i;
      zi[i + 1] = a1i - a3r;
      zr[i + 3] = a1r - a3i;
      zi[i + 3] = a1i + a3r;
    }
    h = 4;
  }
  for (; h < m; h <<= 1) {
    const double* wr = stageRe_.data() + (h - 1);
    const double* wi = stageIm_.data() + (h - 1);
    if (h == 1) {  // m == 2: one butterfly, twiddle 1
      const double tr = zr[1], ti = zi[1];
      zr[1] = zr[0] - tr;
      zi[1] = zi[0] - ti;
      zr[0] += tr;
      zi[0] += ti;
      continue;
    }
    for (int i = 0; i < m; i += 2 * h) {
      double* ar = zr + i;
      double* ai = zi + i;
      double* br = zr + i + h;
      double* bi = zi + i + h;
      for (int j = 0; j < h; j += 2) {
        const Pair w_r = loadPair(wr + j), w_i = loadPair(wi + j);
        const Pair b_r = loadPair(br + j), b_i = loadPair(bi + j);
        const Pair a_r = loadPair(ar + j), a_i = loadPair(ai + j);
        const Pair tr = w_r * b_r - w_i * b_i;
        const Pair ti = w_r * b_i + w_i * b_r;
        storePair(br + j, a_r - tr);
        storePair(bi + j, a_i - ti);
        storePair(ar + j, a_r + tr);
        storePair(ai + j, a_i + ti);
      }
    }
  }
}

void RealFft::forward(const double* in, double* re, double* im) {
  const int m = half_;
  for (int n = 0; n < m; ++n) {
    const auto r = static_cast<size_t>(bitReverse_[static_cast<size_t>(n)]);
    zr_[r] = in[2 * n];
    zi_[r] = in[2 * n + 1];
  }
  transform();
  // Split: X[k] = E[k] + W^k·O[k], E = (Z[k] + Z*[m−k])/2, O = −i·(Z[k] − Z*[m−k])/2.
  re[0] = zr_[0] + zi_[0];
  im[0] = 0.0;
  re[m] = zr_[0] - zi_[0];
  im[m] = 0.0;
  for (int k = 1; k < m; ++k) {
    const double ar = zr_[static_cast<size_t>(k)], ai = zi_[static_cast<size_t>(k)];
    const double br = zr_[static_cast<size_t>(m - k)], bi = -zi_[static_cast<size_t>(m - k)];
    const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const double orr = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    const double wr = splitRe_[static_cast<size_t>(k)], wi = splitIm_[static_cast<size_t>(k)];
    re[k] = er + (wr * orr - wi * oi);
    im[k] = ei + (wr * oi + wi * orr);
  }
}

void RealFft::inverse(const double* re, const double* im, double* out) {
  const int m = half_;
  // Z[k] = E[k] + i·O[k] with E = X[k] + X*[m−k], O = (X[k] − X*[m−k])·conj(W^k) (twice the
  // halves, so the round trip scales by size()); conjugated for an inverse by the forward FFT.
  for (int k = 0; k < m; ++k) {
    const double ar = re[k], ai = k == 0 ? 0.0 : im[k];
    const double br = re[m - k], bi = (k == 0 ? 0.0 : -im[m - k]);
    const double er = ar + br, ei = ai + bi;
    const double dr = ar - br, di = ai - bi;
    const double wr = splitRe_[static_cast<size_t>(k)], wi = -splitIm_[static_cast<size_t>(k)];
    const double orr = dr * wr - di * wi, oi = dr * wi + di * wr;
    // Z = E + i·O; conjugate for the inverse.
    const auto r = static_cast<size_t>(bitReverse_[static_cast<size_t>(k)]);
    zr_[r] = er - oi;
    zi_[r] = -(ei + orr);
  }
  transform();
  for (int n = 0; n < m; ++n) {
    out[2 * n] = zr_[static_cast<size_t>(n)];
    out[2 * n + 1] = -zi_[static_cast<size_t>(n)];
  }
}

}  // namespace vocalmix
