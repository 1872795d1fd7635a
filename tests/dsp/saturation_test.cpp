// Saturation: references are (a) the dry path = input delayed by latency() exactly (mix 0),
// (b) linear phase and alignment: the small-signal impulse response is symmetric about
// latency(), (c) the shaper's harmonics (an odd shaper: 3rd harmonic rises with drive, no 2nd),
// (d) aliasing: every odd harmonic of 11 kHz folds, at 48 kHz, onto an odd multiple of 1 kHz,
// so the alias products are the components at 1, 3, …, 23 kHz except 11 kHz, measured by exact
// whole-period projection over 1 s; they must be ≥ 40 dB below the fundamental.
#include <catch2/catch.hpp>

#include "dsp/test_signals.h"
#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/saturation.h"

using namespace vocalmix;
using namespace vocalmix::literals;

using namespace vocalmix::test;

namespace {


std::vector<double> run(std::vector<double> x, double driveDb, double mix, int block = 480) {
  Saturation s;
  s.setDrive(Decibels{driveDb});
  s.setMix(mix);
  s.prepare(kFs, 4096);
  for (size_t i = 0; i < x.size(); i += block) {
    s.process(x.data() + i, static_cast<int>(std::min<size_t>(block, x.size() - i)));
  }
  return x;
}

// Worst alias (dB re the fundamental) of an 11 kHz tone; `shaped` is the processed signal.
double worstAliasDb(const std::vector<double>& y) {
  const int start = 48000, len = 48000;
  const double fundamental = toneAmplitude(y, start, len, 11000);
  double worst = -400;
  for (int k = 1; k <= 23; k += 2) {
    if (k == 11) continue;
    worst = std::max(worst, db(toneAmplitude(y, start, len, 1000.0 * k) / fundamental + 1e-30));
  }
  return worst;
}

}  // namespace

TEST_CASE("Saturation mix 0 is the input delayed by latency()", "[saturation]") {
  const auto x = sine(-3, 1234.5, 20000);
  const auto y = run(x, 24, 0.0);
  Saturation s;
  const int lat = s.latency();
  REQUIRE(lat > 0);
  for (int n = 0; n < lat; ++n) REQUIRE(y[n] == 0.0);
  for (size_t n = lat; n < x.size(); ++n) REQUIRE(std::fabs(y[n] - x[n - lat]) <= 1e-12);
}

TEST_CASE("Saturation wet path is linear-phase and aligned with the dry path", "[saturation]") {
  std::vector<double> x(400, 0.0);
  x[50] = 1e-4;  // small: the shaper is linear here
  const auto y = run(x, 0, 1.0, 7);
  Saturation s;
  const int centre = 50 + s.latency();
  int peak = 0;
  for (int n = 0; n < 400; ++n) if (std::fabs(y[n]) > std::fabs(y[peak])) peak = n;
  CHECK(peak == centre);
  for (int k = 1; k <= 60; ++k) CHECK(std::fabs(y[centre + k] - y[centre - k]) < 1e-18);
  // Small-signal gain at 1 kHz: drive 0 dB, make-up for the −12 dBFS reference is +0.16 dB.
  const auto t = sine(-40, 1000, 48000);
  const auto u = run(t, 0, 1.0);
  const double gainDb = db(toneAmplitude(u, 24000, 24000, 1000) / toneAmplitude(t, 24000, 24000, 1000));
  CHECK(gainDb == Approx(-db(Saturation::shape(0.25) / 0.25)).margin(0.01));
}

TEST_CASE("Saturation drive adds odd harmonics", "[saturation]") {
  const auto x = sine(-6, 1000, 96000);
  double prevH3 = -400;
  for (double drive : {0.0, 6.0, 12.0, 24.0}) {
    const auto y = run(x, drive, 1.0);
    const double f0 = toneAmplitude(y, 48000, 48000, 1000);
    const double h2 = db(toneAmplitude(y, 48000, 48000, 2000) / f0 + 1e-30);
    const double h3 = db(toneAmplitude(y, 48000, 48000, 3000) / f0);
    INFO("drive " << drive << " dB: H3 " << h3 << " dB, H2 " << h2 << " dB");
    CHECK(h3 > prevH3 + 3.0);  // measurably up with every step of drive
    CHECK(h2 < -120.0);        // odd shaper: no even harmonics
    prevH3 = h3;
  }
}

TEST_CASE("Saturation keeps aliases of an 11 kHz tone 40 dB down", "[saturation]") {
  // 11 kHz at −12 dBFS with the maximum drive of 24 dB drives the shaper 12 dB past its clip
  // point (a near-square output); the 4× oversampling keeps its folded harmonics ≥ 40 dB down
  // (measured ≈ −62 dB). Without oversampling the same shaper aliases at ≈ −11 dB.
  const auto x = sine(-12, 11000, 96000);
  const double wet = worstAliasDb(run(x, 24, 1.0));
  std::vector<double> naive = x;
  for (double& v : naive) v = Saturation::shape(v * std::pow(10.0, 24.0 / 20));
  const double plain = worstAliasDb(naive);
  INFO("worst alias oversampled " << wet << " dB, without oversampling " << plain << " dB");
  CHECK(wet < -40.0);
  CHECK(plain > -20.0);  // the measurement does see aliasing when it is there
  // A hotter, still musical setting: −6 dBFS with 12 dB drive.
  CHECK(worstAliasDb(run(sine(-6, 11000, 96000), 12, 1.0)) < -60.0);
}

TEST_CASE("Saturation level compensation keeps a −12 dBFS peak near its level", "[saturation]") {
  // The make-up maps the reference peak (−12 dBFS) back to itself; measured on the output's
  // sample peak, ±0.25 dB (the half-band filters' ripple and Gibbs overshoot stay inside it).
  const auto x = sine(-12, 500, 48000);
  for (double drive : {0.0, 12.0, 24.0}) {
    const auto y = run(x, drive, 1.0);
    double peak = 0;
    for (int n = 24000; n < 48000; ++n) peak = std::max(peak, std::fabs(y[n]));
    INFO("drive " << drive << " dB: output peak " << db(peak) << " dBFS");
    CHECK(db(peak) == Approx(-12).margin(0.25));
  }
}

TEST_CASE("Saturation is block-size invariant and silent on silence", "[saturation]") {
  std::vector<double> x(30000);
  uint32_t s = 3;
  for (auto& v : x) {
    s = s * 1664525u + 1013904223u;
    v = (s / 4294967296.0 - 0.5) * 1.5;
  }
  auto runGlide = [&](int block) {
    Saturation sat;
    sat.setDrive(6_dB);
    sat.setMix(0.7);
    sat.prepare(kFs, 4096);
    auto y = x;
    for (int i = 0; i < 12000; i += block) sat.process(y.data() + i, std::min(block, 12000 - i));
    sat.setDrive(18_dB);
    sat.setMix(1.0);
    for (int i = 12000; i < 30000; i += block) sat.process(y.data() + i, std::min(block, 30000 - i));
    return y;
  };
  const auto ref = runGlide(4096);
  for (int b : {1, 7, 128, 480}) CHECK(runGlide(b) == ref);
  for (double v : run(std::vector<double>(10000, 0.0), 24, 0.5)) REQUIRE(v == 0.0);
}

TEST_CASE("Saturation two-at-a-time path equals the one-sample path bit for bit", "[saturation]") {
  // At rest (drive and mix settled) the oversampler runs two input samples per step, its
  // filters as Pair lanes; block size 1 always takes the one-sample step. Reference: the
  // block-size-1 run; every split, odd or even, long enough to wrap the filter histories many
  // times, must give identical bits, at several drives and mixes (including the dry bypass
  // and its re-entry).
  std::vector<double> x(40000);
  uint32_t s = 17;
  for (size_t n = 0; n < x.size(); ++n) {
    s = s * 1664525u + 1013904223u;
    x[n] = (s / 4294967296.0 - 0.5) * (n < 20000 ? 1.2 : 0.1) + 0.4 * std::sin(0.05 * n);
  }
  const auto runSplit = [&](int block, double drive, double mix) {
    Saturation sat;
    sat.setDrive(Decibels{drive});
    sat.setMix(mix);
    sat.prepare(kFs, 4096);
    auto y = x;
    const auto run = [&](int from, int to) {
      for (int i = from; i < to; i += block) sat.process(y.data() + i, std::min(block, to - i));
    };
    run(0, 25000);
    sat.setMix(0.0);  // glide into the bypass
    run(25000, 32000);
    sat.setMix(mix);  // and back out, cleared
    run(32000, static_cast<int>(y.size()));
    return y;
  };
  for (double drive : {0.0, 9.0, 24.0}) {
    for (double mix : {0.3, 1.0}) {
      const auto ref = runSplit(1, drive, mix);
      for (int b : {2, 3, 64, 481, 40000}) {
        INFO("drive " << drive << " mix " << mix << " block " << b);
        CHECK(runSplit(b, drive, mix) == ref);
      }
    }
  }
}
