// OutputMeter: BS.1770 short-term loudness with the K-weighting of dsp/k_weighting.h; true
// peak 2× then 2× again with half-band interpolators, keeping the largest |value| of the four
// per input sample.
#include "dsp/output_meter.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"
#include "dsp/halfband.h"
#include "dsp/k_weighting.h"

namespace vocalmix {

namespace {

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
