// RealFft — see the header for the method.
#include "dsp/real_fft.h"

#include <stdexcept>
#include <string>

#include "dsp/dmath.h"
#include "dsp/pair.h"

namespace vocalmix {

namespace {

// Lane moves only (no arithmetic), so they cannot change a bit on any target.
inline Pair lows(Pair a, Pair b) { return Pair{a[0], b[0]}; }
inline Pair highs(Pair a, Pair b) { return Pair{a[1], b[1]}; }

int bitReverse(int i, int bits) {
  int r = 0;
  for (int b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
  return r;
}

}  // namespace

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
  firstRadix_ = bits % 2 == 0 ? 4 : m >= 32 ? 8 : 2;
  const int groups = m / firstRadix_;
  groupIndex_.assign(static_cast<size_t>(groups), 0);
  for (int r = 0; r < groups; ++r) groupIndex_[static_cast<size_t>(r)] = bitReverse(r, bits);
  // Radix-4 pass over blocks of 4h: W^j, W^2j, W^3j (W = e^{−2πi/4h}) for j < h, per pair of j
  // as t1r t1r t1i t1i t2r t2r t2i t2i t3r t3r t3i t3i; the passes one after another.
  twiddle_.clear();
  for (int h = firstRadix_; 4 * h <= m; h *= 4) {
    for (int j = 0; j < h; j += 2) {
      for (int k = 1; k <= 3; ++k) {
        for (int part = 0; part < 2; ++part) {
          for (int lane = 0; lane < 2; ++lane) {
            const double a = -dmath::kPi * (k * (j + lane)) / (2 * h);
            twiddle_.push_back(part == 0 ? dmath::cos(a) : dmath::sin(a));
          }
        }
      }
    }
  }
  splitRe_.assign(static_cast<size_t>(m + 1), 0.0);
  splitIm_.assign(static_cast<size_t>(m + 1), 0.0);
  for (int k = 0; k <= m; ++k) {
    const double a = -2.0 * dmath::kPi * k / size;
    splitRe_[static_cast<size_t>(k)] = dmath::cos(a);
    splitIm_[static_cast<size_t>(k)] = dmath::sin(a);
  }
  w8_ = dmath::cos(dmath::kPi / 4.0);
  zr_.assign(static_cast<size_t>(m), 0.0);
  zi_.assign(static_cast<size_t>(m), 0.0);
  packed_.assign(static_cast<size_t>(size), 0.0);
}

namespace {

// First passes, fused with the bit-reversal permutation: group r (r < m/R, R = 2, 4 or 8) is the
// R-point DFT of x[r + p·m/R], p = 0 … R−1; its outputs go to z[i … i+R−1], i = bitreverse(r).
// Groups r and r + 1 side by side in the two lanes.
void firstPass8(const double* x, int m, const int* index, double* zr, double* zi, double w8) {
  // An odd number (≥ 5) of radix-2 stages: 8 = 4-point DFTs of the even and odd p, combined
  // with W8^k (W8 = c·(1 − i), c = √½).
  const int q = m / 8;
  const Pair c = splat(w8);
  for (int r = 0; r < q; r += 2) {
    const double* p = x + 2 * r;
    Pair er[4], ei[4], orr[4], oi[4];
    for (int odd = 0; odd < 2; ++odd) {
      const double* s = p + 2 * odd * q;  // x[r + odd·m/8 + 2p'·m/8], p' = 0 … 3
      const Pair a0 = loadPair(s), a1 = loadPair(s + 2);
      const Pair b0 = loadPair(s + 8 * q), b1 = loadPair(s + 8 * q + 2);    // p' = 2
      const Pair c0 = loadPair(s + 4 * q), c1 = loadPair(s + 4 * q + 2);    // p' = 1
      const Pair d0 = loadPair(s + 12 * q), d1 = loadPair(s + 12 * q + 2);  // p' = 3
      const Pair ar = lows(a0, a1), ai = highs(a0, a1), br = lows(b0, b1), bi = highs(b0, b1);
      const Pair cr = lows(c0, c1), ci = highs(c0, c1), dr = lows(d0, d1), di = highs(d0, d1);
      const Pair s0r = ar + br, s0i = ai + bi, s1r = ar - br, s1i = ai - bi;
      const Pair s2r = cr + dr, s2i = ci + di, s3r = cr - dr, s3i = ci - di;
      Pair* ur = odd ? orr : er;
      Pair* ui = odd ? oi : ei;
      ur[0] = s0r + s2r;
      ui[0] = s0i + s2i;
      ur[2] = s0r - s2r;
      ui[2] = s0i - s2i;
      ur[1] = s1r + s3i;
      ui[1] = s1i - s3r;
      ur[3] = s1r - s3i;
      ui[3] = s1i + s3r;
    }
    // W8^k·O[k]: k = 1: c·(or + oi) + i·c·(oi − or); k = 2: oi − i·or;
    // k = 3: c·(oi − or) − i·c·(or + oi).
    const Pair t1r = c * (orr[1] + oi[1]), t1i = c * (oi[1] - orr[1]);
    const Pair t3r = c * (oi[3] - orr[3]), t3i = -(c * (orr[3] + oi[3]));
    const Pair y0r = er[0] + orr[0], y0i = ei[0] + oi[0], y4r = er[0] - orr[0], y4i = ei[0] - oi[0];
    const Pair y1r = er[1] + t1r, y1i = ei[1] + t1i, y5r = er[1] - t1r, y5i = ei[1] - t1i;
    const Pair y2r = er[2] + oi[2], y2i = ei[2] - orr[2], y6r = er[2] - oi[2], y6i = ei[2] + orr[2];
    const Pair y3r = er[3] + t3r, y3i = ei[3] + t3i, y7r = er[3] - t3r, y7i = ei[3] - t3i;
    const int i0 = index[r], i1 = index[r + 1];
    storePair(zr + i0, lows(y0r, y1r));
    storePair(zr + i0 + 2, lows(y2r, y3r));
    storePair(zr + i0 + 4, lows(y4r, y5r));
    storePair(zr + i0 + 6, lows(y6r, y7r));
    storePair(zi + i0, lows(y0i, y1i));
    storePair(zi + i0 + 2, lows(y2i, y3i));
    storePair(zi + i0 + 4, lows(y4i, y5i));
    storePair(zi + i0 + 6, lows(y6i, y7i));
    storePair(zr + i1, highs(y0r, y1r));
    storePair(zr + i1 + 2, highs(y2r, y3r));
    storePair(zr + i1 + 4, highs(y4r, y5r));
    storePair(zr + i1 + 6, highs(y6r, y7r));
    storePair(zi + i1, highs(y0i, y1i));
    storePair(zi + i1 + 2, highs(y2i, y3i));
    storePair(zi + i1 + 4, highs(y4i, y5i));
    storePair(zi + i1 + 6, highs(y6i, y7i));
  }
}

void firstPass4(const double* x, int m, const int* index, double* zr, double* zi) {
  const int q = m / 4;
  if (q == 1) {
    const double a0r = x[0] + x[4], a0i = x[1] + x[5];
    const double a1r = x[0] - x[4], a1i = x[1] - x[5];
    const double a2r = x[2] + x[6], a2i = x[3] + x[7];
    const double a3r = x[2] - x[6], a3i = x[3] - x[7];
    zr[0] = a0r + a2r;
    zi[0] = a0i + a2i;
    zr[2] = a0r - a2r;
    zi[2] = a0i - a2i;
    zr[1] = a1r + a3i;  // −i·a3 = a3i − i·a3r
    zi[1] = a1i - a3r;
    zr[3] = a1r - a3i;
    zi[3] = a1i + a3r;
  } else {
    for (int r = 0; r < q; r += 2) {
      const double* p = x + 2 * r;
      const Pair a0 = loadPair(p), a1 = loadPair(p + 2);
      const Pair b0 = loadPair(p + m), b1 = loadPair(p + m + 2);          // x[r + m/2]
      const Pair c0 = loadPair(p + 2 * q), c1 = loadPair(p + 2 * q + 2);  // x[r + m/4]
      const Pair d0 = loadPair(p + 6 * q), d1 = loadPair(p + 6 * q + 2);  // x[r + 3m/4]
      const Pair ar = lows(a0, a1), ai = highs(a0, a1), br = lows(b0, b1), bi = highs(b0, b1);
      const Pair cr = lows(c0, c1), ci = highs(c0, c1), dr = lows(d0, d1), di = highs(d0, d1);
      const Pair s0r = ar + br, s0i = ai + bi, s1r = ar - br, s1i = ai - bi;
      const Pair s2r = cr + dr, s2i = ci + di, s3r = cr - dr, s3i = ci - di;
      const Pair y0r = s0r + s2r, y0i = s0i + s2i, y2r = s0r - s2r, y2i = s0i - s2i;
      const Pair y1r = s1r + s3i, y1i = s1i - s3r, y3r = s1r - s3i, y3i = s1i + s3r;
      const int i0 = index[r], i1 = index[r + 1];
      storePair(zr + i0, lows(y0r, y1r));
      storePair(zr + i0 + 2, lows(y2r, y3r));
      storePair(zi + i0, lows(y0i, y1i));
      storePair(zi + i0 + 2, lows(y2i, y3i));
      storePair(zr + i1, highs(y0r, y1r));
      storePair(zr + i1 + 2, highs(y2r, y3r));
      storePair(zi + i1, highs(y0i, y1i));
      storePair(zi + i1 + 2, highs(y2i, y3i));
    }
  }
}

void firstPass2(const double* x, int m, const int* index, double* zr, double* zi) {
  // 1 or 3 radix-2 stages: the first is a 2-point pass (x[r] ± x[r + m/2]).
  const int q = m / 2;
  if (q == 1) {
    zr[0] = x[0] + x[2];
    zi[0] = x[1] + x[3];
    zr[1] = x[0] - x[2];
    zi[1] = x[1] - x[3];
  } else {
    for (int r = 0; r < q; r += 2) {
      const double* p = x + 2 * r;
      const Pair a0 = loadPair(p), a1 = loadPair(p + 2);
      const Pair b0 = loadPair(p + m), b1 = loadPair(p + m + 2);
      const Pair ar = lows(a0, a1), ai = highs(a0, a1), br = lows(b0, b1), bi = highs(b0, b1);
      const Pair y0r = ar + br, y0i = ai + bi, y1r = ar - br, y1i = ai - bi;
      const int i0 = index[r], i1 = index[r + 1];
      storePair(zr + i0, lows(y0r, y1r));
      storePair(zi + i0, lows(y0i, y1i));
      storePair(zr + i1, highs(y0r, y1r));
      storePair(zi + i1, highs(y0i, y1i));
    }
  }
}

// Radix-4 passes (two radix-2 stages each) from sub-DFT length h: blocks of 4h hold the four
// sub-DFTs of the residues 0, 2, 1, 3 (mod 4) in bit-reversed order; 3 complex twiddles per 4 points.
void radix4Passes(int h, int m, const double* tw, double* zr, double* zi) {
  for (; 4 * h <= m; h *= 4) {
    for (int i = 0; i < m; i += 4 * h) {
      double* ur = zr + i;
      double* ui = zi + i;
      const double* t = tw;
      for (int j = 0; j < h; j += 2, t += 12) {
        const Pair ar = loadPair(ur + j), ai = loadPair(ui + j);
        const Pair br = loadPair(ur + j + h), bi = loadPair(ui + j + h);
        const Pair cr = loadPair(ur + j + 2 * h), ci = loadPair(ui + j + 2 * h);
        const Pair dr = loadPair(ur + j + 3 * h), di = loadPair(ui + j + 3 * h);
        const Pair t1r = loadPair(t), t1i = loadPair(t + 2);
        const Pair t2r = loadPair(t + 4), t2i = loadPair(t + 6);
        const Pair t3r = loadPair(t + 8), t3i = loadPair(t + 10);
        const Pair wbr = t2r * br - t2i * bi, wbi = t2r * bi + t2i * br;  // residue 2: W^2j
        const Pair wcr = t1r * cr - t1i * ci, wci = t1r * ci + t1i * cr;  // residue 1: W^j
        const Pair wdr = t3r * dr - t3i * di, wdi = t3r * di + t3i * dr;  // residue 3: W^3j
        const Pair s0r = ar + wbr, s0i = ai + wbi, s1r = ar - wbr, s1i = ai - wbi;
        const Pair s2r = wcr + wdr, s2i = wci + wdi, s3r = wcr - wdr, s3i = wci - wdi;
        storePair(ur + j, s0r + s2r);
        storePair(ui + j, s0i + s2i);
        storePair(ur + j + 2 * h, s0r - s2r);
        storePair(ui + j + 2 * h, s0i - s2i);
        storePair(ur + j + h, s1r + s3i);  // (a − W²b) − i·(Wc − W³d)
        storePair(ui + j + h, s1i - s3r);
        storePair(ur + j + 3 * h, s1r - s3i);
        storePair(ui + j + 3 * h, s1i + s3r);
      }
    }
    tw += 6 * h;
  }
}

}  // namespace

void RealFft::transform(const double* x) {
  double* zr = zr_.data();
  double* zi = zi_.data();
  const int m = half_;
  const int* index = groupIndex_.data();
  if (firstRadix_ == 8) {
    firstPass8(x, m, index, zr, zi, w8_);
  } else if (firstRadix_ == 4) {
    firstPass4(x, m, index, zr, zi);
  } else {
    firstPass2(x, m, index, zr, zi);
  }
  radix4Passes(firstRadix_, m, twiddle_.data(), zr, zi);
}

void RealFft::forward(const double* in, double* re, double* im) {
  transform(in);
  const double* zr = zr_.data();
  const double* zi = zi_.data();
  const double* wRe = splitRe_.data();
  const double* wIm = splitIm_.data();
  const int m = half_;
  // Split: X[k] = E + P and X[m−k] = conj(E − P), P = W^k·O, with E = (Z[k] + Z*[m−k])/2,
  // O = −i·(Z[k] − Z*[m−k])/2. Lanes k, k+1 (k odd, up to m/2); their partners m−k, m−k−1 are
  // one swapped load. At k = m/2 the mirror store rewrites X[m/2] (the later value counts).
  re[0] = zr[0] + zi[0];
  im[0] = 0.0;
  re[m] = zr[0] - zi[0];
  im[m] = 0.0;
  const Pair half = splat(0.5), minusHalf = splat(-0.5);
  for (int k = 1; k < m / 2; k += 2) {
    const Pair ar = loadPair(zr + k), ai = loadPair(zi + k);
    const Pair br = swapLanes(loadPair(zr + m - k - 1)), bi = -swapLanes(loadPair(zi + m - k - 1));
    const Pair er = half * (ar + br), ei = half * (ai + bi);
    const Pair orr = half * (ai - bi), oi = minusHalf * (ar - br);
    const Pair wr = loadPair(wRe + k), wi = loadPair(wIm + k);
    const Pair pr = wr * orr - wi * oi, pi = wr * oi + wi * orr;
    storePair(re + k, er + pr);
    storePair(im + k, ei + pi);
    storePair(re + m - k - 1, swapLanes(er - pr));
    storePair(im + m - k - 1, swapLanes(pi - ei));
  }
  if (m == 2) {  // size 4: the one middle bin, k = 1 = m − k
    const double ar = zr[1], ai = zi[1], br = zr[1], bi = -zi[1];
    const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const double orr = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    re[1] = er + (wRe[1] * orr - wIm[1] * oi);
    im[1] = ei + (wRe[1] * oi + wIm[1] * orr);
  }
}

void RealFft::inverse(const double* re, const double* im, double* out) {
  const int m = half_;
  const double* wRe = splitRe_.data();
  const double* wIm = splitIm_.data();
  double* z = packed_.data();
  // Z[k] = E + Q and Z[m−k] = conj(E − Q), Q = i·O, with E = X[k] + X*[m−k],
  // O = (X[k] − X*[m−k])·conj(W^k) (twice the halves, so the round trip scales by size());
  // stored conjugated and packed re, im, for an inverse by the forward FFT. Lanes as in forward().
  z[0] = re[0] + re[m];
  z[1] = -(re[0] - re[m]);
  for (int k = 1; k < m / 2; k += 2) {
    const Pair ar = loadPair(re + k), ai = loadPair(im + k);
    const Pair br = swapLanes(loadPair(re + m - k - 1)), bi = -swapLanes(loadPair(im + m - k - 1));
    const Pair er = ar + br, ei = ai + bi, dr = ar - br, di = ai - bi;
    const Pair wr = loadPair(wRe + k), wi = -loadPair(wIm + k);
    const Pair orr = dr * wr - di * wi, oi = dr * wi + di * wr;
    const Pair zkr = er - oi, zki = -(ei + orr);  // conj(E + Q)
    const Pair zmr = er + oi, zmi = ei - orr;     // E − Q = conj(Z[m−k])
    storePair(z + 2 * k, lows(zkr, zki));
    storePair(z + 2 * k + 2, highs(zkr, zki));
    storePair(z + 2 * (m - k), lows(zmr, zmi));
    storePair(z + 2 * (m - k) - 2, highs(zmr, zmi));
  }
  if (m == 2) {  // size 4: k = 1 = m − k
    const double ar = re[1], ai = im[1], br = re[1], bi = -im[1];
    const double er = ar + br, ei = ai + bi, dr = ar - br, di = ai - bi;
    const double wr = wRe[1], wi = -wIm[1];
    const double orr = dr * wr - di * wi, oi = dr * wi + di * wr;
    z[2] = er - oi;
    z[3] = -(ei + orr);
  }
  transform(z);
  const double* zr = zr_.data();
  const double* zi = zi_.data();
  for (int n = 0; n < m; n += 2) {
    const Pair r = loadPair(zr + n), i = -loadPair(zi + n);
    storePair(out + 2 * n, lows(r, i));
    storePair(out + 2 * n + 2, highs(r, i));
  }
}

}  // namespace vocalmix
