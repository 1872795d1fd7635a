// TruePeakMeter — see the header for the method and its references.
#include "analysis/true_peak.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"
#include "dsp/halfband.h"

namespace vocalmix::analysis {

namespace {

constexpr int kHistory = TruePeakMeter::kTaps - 1;
constexpr int kBlock = 4096;
constexpr double kBeta = 5.5;
constexpr double kHalfSpan = TruePeakMeter::kTaps / 2.0;  // window reaches ±6 samples

}  // namespace

TruePeakMeter::TruePeakMeter(int channels)
    : channels_(channels),
      history_(static_cast<size_t>(channels) * kHistory, 0.0),
      work_(kHistory + kBlock),
      peak_(channels, 0.0),
      samplePeak_(channels, 0.0) {
  // Phase p (1..3) is the value p/4 of a sample after x[n]: taps x[n−5] … x[n+6] sit at
  // distances t = j − 5 − p/4 (j = 0 … 11) from it.
  const double i0Beta = besselI0(kBeta);
  for (int p = 1; p < kPhases; ++p) {
    double sum = 0.0;
    for (int j = 0; j < kTaps; ++j) {
      const double t = j - (kTaps / 2 - 1) - p / static_cast<double>(kPhases);
      const double r = t / kHalfSpan;
      const double window = besselI0(kBeta * std::sqrt(1.0 - r * r)) / i0Beta;
      const double sinc = dmath::sin(dmath::kPi * t) / (dmath::kPi * t);
      coef_[p - 1][j] = sinc * window;
      sum += coef_[p - 1][j];
    }
    for (double& c : coef_[p - 1]) c /= sum;
  }
  for (const auto& phase : coef_) {
    double l1 = 0.0;
    for (double c : phase) l1 += std::fabs(c);
    l1_ = std::max(l1_, l1);
  }
  // Rounding in the sums can exceed the exact bound by a few ulps: keep a margin.
  l1_ *= 1.0 + 1e-12;
}

// Interpolates x[0 .. kHistory + n) (history first) and raises `peak` to the largest magnitude
// between the samples x[kHistory/2 …]; the sample values themselves are checked by addFrames.
// Exact shortcut: an interpolated value is a weighted sum of its 12 taps, so it cannot exceed
// max|tap| · Σ|h|. Runs of kRun outputs whose taps are all below peak / Σ|h| cannot raise the
// peak and are skipped; the result is the same as computing every value.
void TruePeakMeter::run(int /*channel*/, const double* x, int64_t n, double& peak) const {
  constexpr int kRun = 32;
  double best = peak;
  for (int64_t start = 0; start < n; start += kRun) {
    const int64_t end = std::min<int64_t>(n, start + kRun);
    double tapMax = 0.0;
    for (int64_t i = start; i < end + kTaps - 1; ++i) tapMax = std::max(tapMax, std::fabs(x[i]));
    if (tapMax * l1_ <= best) continue;
    for (int p = 0; p < kPhases - 1; ++p) {
      const double* h = coef_[p].data();
      for (int64_t i = start; i < end; ++i) {
        const double* w = x + i;
        double s0 = 0.0, s1 = 0.0;
        for (int j = 0; j < kTaps; j += 2) {
          s0 += h[j] * w[j];
          s1 += h[j + 1] * w[j + 1];
        }
        best = std::max(best, std::fabs(s0 + s1));
      }
    }
  }
  peak = best;
}

void TruePeakMeter::addFrames(const float* interleaved, int64_t frames) {
  while (frames > 0) {
    const int64_t n = std::min<int64_t>(frames, kBlock);
    for (int c = 0; c < channels_; ++c) {
      double* hist = history_.data() + static_cast<size_t>(c) * kHistory;
      std::copy(hist, hist + kHistory, work_.begin());
      double sp = samplePeak_[c];
      for (int64_t i = 0; i < n; ++i) {
        const double v = interleaved[i * channels_ + c];
        work_[kHistory + i] = v;
        sp = std::max(sp, std::fabs(v));
      }
      samplePeak_[c] = sp;
      // The reading is max(interpolated, sample) peak: starting from the sample peak lets
      // run() skip more and changes nothing.
      peak_[c] = std::max(peak_[c], sp);
      run(c, work_.data(), n, peak_[c]);
      std::copy(work_.begin() + n, work_.begin() + n + kHistory, hist);
    }
    interleaved += n * channels_;
    frames -= n;
  }
}

double TruePeakMeter::truePeak() const {
  // Flush: the values after the last samples need the zeros that follow the signal.
  double best = 0.0;
  std::vector<double> tail(kHistory + kHistory, 0.0);
  for (int c = 0; c < channels_; ++c) {
    const double* hist = history_.data() + static_cast<size_t>(c) * kHistory;
    std::copy(hist, hist + kHistory, tail.begin());
    double p = std::max(peak_[c], samplePeak_[c]);
    run(c, tail.data(), kHistory, p);
    best = std::max(best, p);
  }
  return best;
}

double TruePeakMeter::samplePeak() const {
  double best = 0.0;
  for (double p : samplePeak_) best = std::max(best, p);
  return best;
}

}  // namespace vocalmix::analysis
