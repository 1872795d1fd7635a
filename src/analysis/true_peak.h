// TruePeakMeter — file-based true peak and sample peak per ITU-R BS.1770-4 Annex 2: every
// channel is interpolated 4× (three fractional phases between each pair of samples; the fourth
// phase is the sample itself) and the largest magnitude is kept.
//
// The interpolator is a 12-tap-per-phase Kaiser-windowed sinc (β = 5.5, each phase normalised to
// unity gain at DC), designed here with dmath — a different design from the limiter's half-band
// cascade (src/dsp/true_peak_limiter.cpp), so the meter that checks the ceiling is not the
// detector that enforces it. Accuracy is tested against EBU Tech 3341 cases 15–23
// (tests/analysis/loudness_meter_test.cpp, tolerance +0.2/−0.4 dB as the standard allows).
//
// Cost: 36 multiply-adds per sample and channel (as 18 two-lane ones, dsp/pair.h) where a new
// peak is possible; runs of samples too quiet to beat the peak so far are skipped by an exact
// bound (see run()). A fraction of libebur128's true-peak mode, which this replaced. The tail
// is flushed with zeros when read, so a peak in the last samples is not lost.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dsp/pair.h"

namespace vocalmix::analysis {

class TruePeakMeter {
 public:
  static constexpr int kTaps = 12;    // per phase
  static constexpr int kPhases = 4;   // 4× oversampling (phase 0 = the sample itself)

  explicit TruePeakMeter(int channels);

  void addFrames(const float* interleaved, int64_t frames);

  double truePeak() const;    // linear, max over channels (tail flushed with zeros)
  double samplePeak() const;  // linear, max over channels

 private:
  static constexpr int kRun = 32;  // outputs per skip decision

  // Interpolates the window x (kTaps − 1 history samples, then n more) and raises `peak`;
  // runMax[r] is max |x| over x[r·kRun, (r + 1)·kRun).
  void run(const double* x, const double* runMax, int64_t n, double& peak) const;
  // Fills runMax for x[0, len) and returns the largest of them.
  static double runMaxima(const double* x, int64_t len, double* runMax);

  int channels_;
  // Phase p's taps as pairs (h[2k], h[2k+1]): lane 0 sums the even taps, lane 1 the odd ones.
  std::array<std::array<Pair, kTaps / 2>, kPhases - 1> coef_{};
  double l1_ = 0.0;  // max over phases of Σ|h|: bounds an interpolated value by its taps
  std::vector<double> history_;  // per channel: the last kTaps − 1 samples
  std::vector<double> work_;     // history + one block of one channel
  std::vector<double> runMax_;   // per kRun samples of work_
  std::vector<double> peak_;     // per channel, interpolated
  std::vector<double> samplePeak_;
};

}  // namespace vocalmix::analysis
