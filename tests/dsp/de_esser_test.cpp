// DeEsser: references are (a) exact identity when the sidechain stays under the threshold,
// (b) the split's analytic response: with high-band gain g the tone at f comes out scaled by
// |g + (1 − g)·LP(f)|, LP the 2nd-order low-pass at 0.7·f, Q 0.5 (evaluated here with std::
// complex from the RBJ formulas), ±0.1 dB, and (c) a 300 Hz tone unchanged, ±0.1 dB.
#include <catch2/catch.hpp>

#include "dsp/test_signals.h"
#include <cmath>
#include <algorithm>
#include <complex>
#include <vector>

#include "dsp/de_esser.h"
#include "dsp/de_esser_model.h"
#include "dsp/biquad.h"
#include "dsp/dmath.h"

using namespace vocalmix;
using namespace vocalmix::literals;

using namespace vocalmix::test;

namespace {


// RBJ 2nd-order low-pass response at f, written out independently.
std::complex<double> lowPass(double f0, double q, double f) {
  const double w0 = 2 * kPi * f0 / kFs, cw = std::cos(w0), alpha = std::sin(w0) / (2 * q);
  const double b0 = (1 - cw) / 2, b1 = 1 - cw, b2 = b0, a0 = 1 + alpha, a1 = -2 * cw, a2 = 1 - alpha;
  const std::complex<double> z1 = std::polar(1.0, -2 * kPi * f / kFs), z2 = z1 * z1;
  return (b0 + b1 * z1 + b2 * z2) / (a0 + a1 * z1 + a2 * z2);
}

// 300 Hz at −12 dBFS throughout; a 7 kHz burst at burstDb from 0.5 s to 1.5 s.
std::vector<double> material(double burstDb, double toneDb = -12) {
  std::vector<double> x(static_cast<int>(2 * kFs));
  const double a = std::pow(10.0, toneDb / 20), b = std::pow(10.0, burstDb / 20);
  for (size_t n = 0; n < x.size(); ++n) {
    x[n] = a * std::sin(2 * kPi * 300 * n / kFs);
    if (n >= 24000 && n < 72000) x[n] += b * std::sin(2 * kPi * 7000 * n / kFs);
  }
  return x;
}

std::vector<double> run(std::vector<double> x, double thresholdDb, double rangeDb, int block = 480) {
  DeEsser d;
  d.setFrequency(7_kHz);
  d.setThreshold(Decibels{thresholdDb});
  d.setRange(Decibels{rangeDb});
  d.prepare(kFs, 4096);
  for (size_t i = 0; i < x.size(); i += block) {
    d.process(x.data() + i, static_cast<int>(std::min<size_t>(block, x.size() - i)));
  }
  return x;
}

}  // namespace

TEST_CASE("DeEsser turns a loud 7 kHz burst down by the range, leaves 300 Hz alone", "[deesser]") {
  for (double range : {3.0, 6.0, 12.0}) {
    const auto x = material(-12);
    const auto y = run(x, -40, range);
    // Steady part of the burst (after the 1 ms attack has long settled), 0.5 s of whole periods.
    const int start = 48000, len = 24000;
    const double cut7k = db(toneAmplitude(y, start, len, 7000) / toneAmplitude(x, start, len, 7000));
    const double change300 = db(toneAmplitude(y, start, len, 300) / toneAmplitude(x, start, len, 300));
    const double g = std::pow(10.0, -range / 20);
    const double expected =
        db(std::abs(g + (1 - g) * lowPass(DeEsser::kSplitRatio * 7000, DeEsser::kSplitQ, 7000)));
    INFO("range " << range << " dB: 7 kHz " << cut7k << " dB (split analytic " << expected
                  << " dB), 300 Hz " << change300 << " dB");
    CHECK(cut7k == Approx(expected).margin(0.1));
    CHECK(cut7k < -0.8 * range);
    CHECK(std::fabs(change300) < 0.1);
    // Before the burst the 300 Hz tone passes bit for bit.
    for (int n = 0; n < 24000; ++n) REQUIRE(y[n] == x[n]);
  }
}

TEST_CASE("DeEsser below threshold: output is the input exactly", "[deesser]") {
  const auto x = material(-45, -6);  // sibilance −45 dBFS vs threshold −30, loud 300 Hz
  CHECK(run(x, -30, 12) == x);
}

TEST_CASE("DeEsser reports its reduction", "[deesser]") {
  DeEsser d;
  d.setFrequency(7_kHz);
  d.setThreshold(-40_dB);
  d.setRange(6_dB);
  d.prepare(kFs, 4800);
  auto x = material(-12);
  d.process(x.data(), 4800);
  CHECK(d.gainReductionDb() == 0.0);
  d.process(x.data() + 4800, 24000 - 4800);
  d.process(x.data() + 24000, 4800);
  CHECK(d.gainReductionDb() == Approx(6.0));
}

TEST_CASE("DeEsser is block-size invariant and silent on silence", "[deesser]") {
  auto x = material(-10);
  for (size_t n = 0; n < x.size(); ++n) x[n] *= 0.5 + 0.5 * std::sin(2 * kPi * 3 * n / kFs);
  auto runGlide = [&](int block) {
    DeEsser d;
    d.setFrequency(6_kHz);
    d.setThreshold(-35_dB);
    d.setRange(10_dB);
    d.prepare(kFs, 4096);
    auto y = x;
    const int half = 40000;
    for (int i = 0; i < half; i += block) d.process(y.data() + i, std::min(block, half - i));
    d.setFrequency(8_kHz);  // glides mid-stream
    d.setThreshold(-30_dB);
    for (int i = half; i < static_cast<int>(y.size()); i += block) {
      d.process(y.data() + i, std::min(block, static_cast<int>(y.size()) - i));
    }
    return y;
  };
  const auto ref = runGlide(4096);
  for (int b : {1, 7, 128, 480}) CHECK(runGlide(b) == ref);
  for (double v : run(std::vector<double>(48000, 0.0), -40, 12)) REQUIRE(v == 0.0);
}

// With the settings at rest the DeEsser runs its filters as plain Biquads (the settled fast
// path). Reference: the class comment's formula written out here with three Biquads designed
// by BiquadCoefficients::design, a peak follower with the documented 1 ms / 60 ms ballistics and
// out = x − (1 − g)·hp(x). Tolerance 1e-12 absolute (the same arithmetic; rounding only), on
// material that is cut hard and on material that is left alone.
TEST_CASE("DeEsser at rest matches its formula with plain biquads", "[deesser]") {
  const double thresholdDb = -30, rangeDb = 8, f = 7000;
  for (double burstDb : {-6.0, -40.0}) {
    const std::vector<double> x = material(burstDb);
    const std::vector<double> y = run(x, thresholdDb, rangeDb, 128);

    Biquad side1, side2, split;
    side1.setCoefficients(BiquadCoefficients::design(FilterType::BandPass, kFs, f, DeEsser::kSidechainQ, 0));
    side2.setCoefficients(BiquadCoefficients::design(FilterType::BandPass, kFs, f, DeEsser::kSidechainQ, 0));
    split.setCoefficients(
        BiquadCoefficients::design(FilterType::LowPass, kFs, DeEsser::kSplitRatio * f, DeEsser::kSplitQ, 0));
    const double aA = std::exp(-1.0 / (0.001 * kFs)), aR = std::exp(-1.0 / (0.060 * kFs));
    const double thr = std::pow(10.0, thresholdDb / 20);
    double env = 0, worst = 0;
    int cutSamples = 0;
    for (size_t n = 0; n < x.size(); ++n) {
      const double side = std::fabs(side2.process(side1.process(x[n])));
      const double hp = x[n] - split.process(x[n]);
      env = side > env ? aA * env + (1 - aA) * side : aR * env + (1 - aR) * side;
      double ref = x[n];
      if (env > thr) {
        const double cut = std::clamp(20 * std::log10(env) - thresholdDb, 0.0, rangeDb);
        ref = x[n] - (1 - std::pow(10.0, -cut / 20)) * hp;
        ++cutSamples;
      }
      worst = std::max(worst, std::fabs(y[n] - ref));
    }
    INFO("burst " << burstDb << " dB: " << cutSamples << " samples cut");
    CHECK(worst < 1e-12);
    CHECK((burstDb > -10 ? cutSamples > 10000 : cutSamples == 0));
  }
}

// At rest the first sidechain section and the split low-pass run as the two lanes of one Pair.
// Reference: the same formula as above with three scalar Biquads and the dmath functions the
// DeEsser documents (dbToGain for the threshold, gainToDbInline/dbToGainInline per sample, the
// ballistics' coefficients from dmath::exp). Tolerance: none (bit for bit), in blocks of 1, 2,
// 3 and 480 samples.
TEST_CASE("DeEsser at rest: paired filters give the scalar filters' bits", "[deesser]") {
  const double thresholdDb = -30, rangeDb = 8, f = 7000;
  const std::vector<double> x = material(-6.0);
  const std::vector<double> ref = deEsserModel(x, f, thresholdDb, rangeDb);
  for (int block : {1, 2, 3, 480}) {
    INFO("block size " << block);
    const std::vector<double> y = run(x, thresholdDb, rangeDb, block);
    size_t differing = 0;
    for (size_t n = 0; n < x.size(); ++n) differing += y[n] != ref[n];
    CHECK(differing == 0);
  }
}
