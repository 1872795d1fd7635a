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
      runMax_((kHistory + kBlock + kRun - 1) / kRun),
      peak_(channels, 0.0),
      samplePeak_(channels, 0.0) {
  // Phase p (1..3) is the value p/4 of a sample after x[n]: taps x[n−5] … x[n+6] sit at
  // distances t = j − 5 − p/4 (j = 0 … 11) from it.
  const double i0Beta = besselI0(kBeta);
  for (int p = 1; p < kPhases; ++p) {
    std::array<double, kTaps> h{};
    double sum = 0.0;
    for (int j = 0; j < kTaps; ++j) {
      const double t = j - (kTaps / 2 - 1) - p / static_cast<double>(kPhases);
      const double r = t / kHalfSpan;
      const double window = besselI0(kBeta * std::sqrt(1.0 - r * r)) / i0Beta;
      const double sinc = dmath::sin(dmath::kPi * t) / (dmath::kPi * t);
      h[j] = sinc * window;
      sum += h[j];
    }
    double l1 = 0.0;
    for (int j = 0; j < kTaps; ++j) {
      h[j] /= sum;
      l1 += std::fabs(h[j]);
    }
    l1_ = std::max(l1_, l1);
    for (int k = 0; k < kTaps / 2; ++k) coef_[p - 1][k] = Pair{h[2 * k], h[2 * k + 1]};
  }
  // Rounding in the sums can exceed the exact bound by a few ulps: keep a margin.
  l1_ *= 1.0 + 1e-12;
}

double TruePeakMeter::runMaxima(const double* x, int64_t len, double* runMax) {
  // Two lanes at a time (a run has an even length; only the last may be odd). max is exact,
  // so the order does not matter; (m < v ? v : m) is std::max's choice, lane by lane.
  const Pair signBit = splat(-0.0);
  double best = 0.0;
  for (int64_t start = 0, r = 0; start < len; start += kRun, ++r) {
    const int64_t end = std::min<int64_t>(len, start + kRun);
    Pair m2{0.0, 0.0};
    int64_t i = start;
    for (; i + 2 <= end; i += 2) {
      const Pair v = (Pair)((PairMask)loadPair(x + i) & ~(PairMask)signBit);  // |x|
      m2 = m2 < v ? v : m2;
    }
    double m = std::max(m2[0], m2[1]);
    if (i < end) m = std::max(m, std::fabs(x[i]));
    runMax[r] = m;
    best = std::max(best, m);
  }
  return best;
}

// Interpolates x[0 .. kHistory + n) (history first) and raises `peak` to the largest magnitude
// between the samples x[kHistory/2 …]; the sample values themselves are checked by addFrames.
// Exact shortcut: an interpolated value is a weighted sum of its 12 taps, so it cannot exceed
// max|tap| · Σ|h|. Runs of kRun outputs whose taps (within two runs of runMax) are all below
// peak / Σ|h| cannot raise the peak and are skipped; the result is the same as computing every
// value. Each value sums its even and odd taps apart (the two lanes), then adds the two.
void TruePeakMeter::run(const double* x, const double* runMax, int64_t n, double& peak) const {
  double best = peak;
  for (int64_t start = 0, r = 0; start < n; start += kRun, ++r) {
    const int64_t end = std::min<int64_t>(n, start + kRun);
    // The taps of outputs [start, end) are x[start, end + kTaps − 1).
    const int64_t lastRun = (end + kTaps - 2) / kRun;
    double tapMax = runMax[r];
    for (int64_t q = r + 1; q <= lastRun; ++q) tapMax = std::max(tapMax, runMax[q]);
    if (tapMax * l1_ <= best) continue;
    for (const auto& h : coef_) {
      for (int64_t i = start; i < end; ++i) {
        const double* w = x + i;
        Pair s = h[0] * loadPair(w);
        for (int k = 1; k < kTaps / 2; ++k) s += h[k] * loadPair(w + 2 * k);
        best = std::max(best, std::fabs(s[0] + s[1]));
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
      for (int64_t i = 0; i < n; ++i) work_[kHistory + i] = interleaved[i * channels_ + c];
      // The history was counted when it was fed, so the largest run maximum is the sample
      // peak of what has been fed so far.
      samplePeak_[c] = std::max(samplePeak_[c], runMaxima(work_.data(), kHistory + n, runMax_.data()));
      // The reading is max(interpolated, sample) peak: starting from the sample peak lets
      // run() skip more and changes nothing.
      peak_[c] = std::max(peak_[c], samplePeak_[c]);
      run(work_.data(), runMax_.data(), n, peak_[c]);
      std::copy(work_.begin() + n, work_.begin() + n + kHistory, hist);
    }
    interleaved += n * channels_;
    frames -= n;
  }
}

double TruePeakMeter::truePeak() const {
  // Flush: the values after the last samples need the zeros that follow the signal.
  double best = 0.0;
  std::array<double, 2 * kHistory> tail{};
  std::array<double, (2 * kHistory + kRun - 1) / kRun> tailMax{};
  for (int c = 0; c < channels_; ++c) {
    const double* hist = history_.data() + static_cast<size_t>(c) * kHistory;
    std::copy(hist, hist + kHistory, tail.begin());
    runMaxima(tail.data(), static_cast<int64_t>(tail.size()), tailMax.data());
    double p = std::max(peak_[c], samplePeak_[c]);
    run(tail.data(), tailMax.data(), kHistory, p);
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
