// K-weighting per ITU-R BS.1770-4: a high shelf (+4 dB above ~1.7 kHz) then the RLB high-pass
// (~38 Hz), designed for any rate from the standard's analogue parameters by the bilinear
// transform (the values libebur128 and most meters use). True peak: 2× then 2× again with
// half-band interpolators, keeping the largest |value| of the four per input sample.
#include "dsp/output_meter.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"
#include "dsp/halfband.h"

namespace vocalmix {

namespace {

constexpr double kShelfHz = 1681.974450955533;
constexpr double kShelfGainDb = 3.999843853973347;
constexpr double kShelfQ = 0.7071752369554196;
constexpr double kHighPassHz = 38.13547087602444;
constexpr double kHighPassQ = 0.5003270373238773;

BiquadCoefficients kWeightingShelf(double fs) {
  const double k = dmath::tan(dmath::kPi * kShelfHz / fs);
  const double vh = dmath::dbToGain(kShelfGainDb);
  const double vb = dmath::pow(vh, 0.4996667741545416);
  const double a0 = 1.0 + k / kShelfQ + k * k;
  BiquadCoefficients c;
  c.b0 = (vh + vb * k / kShelfQ + k * k) / a0;
  c.b1 = 2.0 * (k * k - vh) / a0;
  c.b2 = (vh - vb * k / kShelfQ + k * k) / a0;
  c.a1 = 2.0 * (k * k - 1.0) / a0;
  c.a2 = (1.0 - k / kShelfQ + k * k) / a0;
  return c;
}

BiquadCoefficients kWeightingHighPass(double fs) {
  const double k = dmath::tan(dmath::kPi * kHighPassHz / fs);
  const double a0 = 1.0 + k / kHighPassQ + k * k;
  BiquadCoefficients c;
  c.b0 = 1.0;
  c.b1 = -2.0;
  c.b2 = 1.0;
  c.a1 = 2.0 * (k * k - 1.0) / a0;
  c.a2 = (1.0 - k / kHighPassQ + k * k) / a0;
  return c;
}

// Pushes x into a doubled ring of `len` samples; returns the window, oldest first.
const double* push(double* ring, int len, int& pos, double x) {
  pos = pos + 1 == len ? 0 : pos + 1;
  ring[pos] = ring[pos + len] = x;
  return ring + pos + 1;
}

// The half-sample value in the middle of a window of 2·P samples (oldest first).
template <int P>
double midpoint(const double* w, const double* a) {
  double s = 0.0;
  for (int m = 1; m <= P; ++m) s += a[m - 1] * (w[P - 1 + m] + w[P - m]);
  return 2.0 * s;
}

}  // namespace

double OutputMeter::Oversampler::peak(double x, const double* a, const double* b) {
  const double* w1 = push(up1, 32, pos1, x);
  const double onGrid = w1[15];  // x delayed by P = 16 samples
  const double half = midpoint<16>(w1, a);
  const double* w2 = push(up2, 12, pos2, onGrid);
  const double q1 = midpoint<6>(w2, b);
  const double* w3 = push(up2, 12, pos2, half);
  const double q2 = midpoint<6>(w3, b);
  return std::max({std::fabs(onGrid), std::fabs(half), std::fabs(q1), std::fabs(q2)});
}

void OutputMeter::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  blockLength_ = std::max(1, static_cast<int>(std::floor(sampleRate * 0.1 + 0.5)));
  designHalfband(coef1_, 16, 8.0);
  designHalfband(coef2_, 6, 8.0);
  for (int c = 0; c < 2; ++c) {
    shelf_[c].setCoefficients(kWeightingShelf(sampleRate));
    highPass_[c].setCoefficients(kWeightingHighPass(sampleRate));
  }
  reset();
}

void OutputMeter::reset() {
  for (int c = 0; c < 2; ++c) {
    shelf_[c].reset();
    highPass_[c].reset();
    os_[c] = Oversampler{};
  }
  blocks_.fill(0.0);
  blockFill_ = blockIndex_ = blocksSeen_ = 0;
  blockSum_ = 0.0;
  peak_ = 0.0;
}

void OutputMeter::process(const double* left, const double* right, int n) {
  for (int i = 0; i < n; ++i) {
    const double zl = highPass_[0].process(shelf_[0].process(left[i]));
    const double zr = highPass_[1].process(shelf_[1].process(right[i]));
    blockSum_ += zl * zl + zr * zr;
    if (++blockFill_ == blockLength_) {
      blocks_[blockIndex_] = blockSum_ / blockLength_;
      blockIndex_ = (blockIndex_ + 1) % kBlocks;
      blocksSeen_ = std::min(blocksSeen_ + 1, kBlocks);
      blockSum_ = 0.0;
      blockFill_ = 0;
    }
    peak_ = std::max({peak_, os_[0].peak(left[i], coef1_, coef2_), os_[1].peak(right[i], coef1_, coef2_)});
  }
}

double OutputMeter::shortTermLufs() const {
  if (blocksSeen_ == 0) return -200.0;
  double sum = 0.0;
  for (double b : blocks_) sum += b;
  const double meanSquare = sum / blocksSeen_;
  return meanSquare > 1e-20 ? -0.691 + dmath::powerToDb(meanSquare) : -200.0;
}

double OutputMeter::takeTruePeakDb() {
  const double db = peak_ > 0.0 ? dmath::gainToDb(peak_) : -200.0;
  peak_ = 0.0;
  return db;
}

}  // namespace vocalmix
