// The DeEsser's settled per-sample form as a scalar reference for the tests: its header's
// formula with the dmath functions it documents, three scalar Biquads, one sample at a time.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/biquad.h"
#include "dsp/de_esser.h"
#include "dsp/dmath.h"
#include "dsp/test_signals.h"

namespace vocalmix::test {

// x through a DeEsser at rest (frequency f, threshold, range), at 48 kHz.
inline std::vector<double> deEsserModel(const std::vector<double>& x, double f, double thresholdDb,
                                 double rangeDb) {
  Biquad side1, side2, split;
  side1.setCoefficients(BiquadCoefficients::design(FilterType::BandPass, kFs, f, DeEsser::kSidechainQ, 0));
  side2.setCoefficients(BiquadCoefficients::design(FilterType::BandPass, kFs, f, DeEsser::kSidechainQ, 0));
  split.setCoefficients(BiquadCoefficients::design(FilterType::LowPass, kFs, DeEsser::kSplitRatio * f,
                                                   DeEsser::kSplitQ, 0));
  const double aA = dmath::exp(-1.0 / (1.0 * 0.001 * kFs)), aR = dmath::exp(-1.0 / (60.0 * 0.001 * kFs));
  const double thr = dmath::dbToGain(thresholdDb);
  std::vector<double> y(x.size());
  double env = 0;
  for (size_t n = 0; n < x.size(); ++n) {
    const double side = std::fabs(side2.process(side1.process(x[n])));
    const double hp = x[n] - split.process(x[n]);
    env = side > env ? aA * env + (1.0 - aA) * side : aR * env + (1.0 - aR) * side;
    if (env < 1e-30) env = 0.0;
    y[n] = x[n];
    if (env > thr && rangeDb > 0.0) {
      const double cut = std::clamp(dmath::gainToDbInline(env) - thresholdDb, 0.0, rangeDb);
      y[n] = x[n] - (1.0 - dmath::dbToGainInline(-cut)) * hp;
    }
  }
  return y;
}

}  // namespace vocalmix::test
