// Compressor: references are the analytic soft-knee curve of Giannoulis, Massberg & Reiss
// (2012), eq. (4) — checked at hand-computed points, then against steady sines (±0.25 dB) —
// and the detector's time constant (a step reaches 1 − 1/e of its travel in τ, ±30 %).
#include <catch2/catch.hpp>

#include "dsp/test_signals.h"
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "dsp/compressor.h"

using namespace vocalmix;
using namespace vocalmix::literals;

using namespace vocalmix::test;

namespace {


}  // namespace

TEST_CASE("Compressor static curve: analytic points", "[compressor]") {
  // T = −20, R = 4, W = 6: below knee unchanged; knee (x−T+W/2)²/(2W)·(1/R−1); above T+(x−T)/R.
  CHECK(Compressor::staticCurveDb(-30, -20, 4, 6) == Approx(-30));
  CHECK(Compressor::staticCurveDb(-23, -20, 4, 6) == Approx(-23));
  CHECK(Compressor::staticCurveDb(-20, -20, 4, 6) == Approx(-20 - 0.75 * 9 / 12));
  CHECK(Compressor::staticCurveDb(-17, -20, 4, 6) == Approx(-17 - 0.75 * 36 / 12));
  CHECK(Compressor::staticCurveDb(-17, -20, 4, 6) == Approx(-20 + 3.0 / 4));  // continuous
  CHECK(Compressor::staticCurveDb(-10, -20, 4, 6) == Approx(-17.5));
  CHECK(Compressor::staticCurveDb(-10, -20, 4, 0) == Approx(-17.5));  // hard knee
  CHECK(Compressor::staticCurveDb(-20.5, -20, 4, 0) == Approx(-20.5));
  CHECK(Compressor::staticCurveDb(0, -20, 1, 6) == Approx(0));  // ratio 1: identity
}

TEST_CASE("Compressor static curve measured with steady sines", "[compressor]") {
  // Fast attack, slow release: the smooth-branching detector then holds the reduction at the
  // sine's peak, i.e. the static curve at the peak level.
  const double thr = -20, ratio = 4, knee = 6;
  for (double levelDb : {-40.0, -26.0, -23.0, -21.0, -20.0, -19.0, -17.0, -14.0, -10.0, -3.0, 0.0}) {
    Compressor c;
    c.setThreshold(Decibels{thr});
    c.setRatio(ratio);
    c.setKnee(Decibels{knee});
    c.setAttack(0.1_ms);
    c.setRelease(2000_ms);
    c.prepare(kFs, 512);
    const int len = static_cast<int>(kFs);
    auto x = sine(levelDb, 1000, len);
    auto y = x;
    for (int i = 0; i < len; i += 512) c.process(y.data() + i, std::min(512, len - i));
    const int start = len / 2;
    const double outDb = levelDb + db(toneAmplitude(y, start, len / 2, 1000) /
                                     toneAmplitude(x, start, len / 2, 1000));
    INFO("input " << levelDb << " dB, measured " << outDb << " dB");
    CHECK(outDb == Approx(Compressor::staticCurveDb(levelDb, thr, ratio, knee)).margin(0.25));
  }
}

TEST_CASE("Compressor attack and release time constants", "[compressor]") {
  // A DC step from −40 dB (no reduction) to 0 dB (15 dB reduction at T −20, R 4, hard knee)
  // and back; the output gain in dB must cover 63.2 % of its travel in the set time ±30 %.
  for (auto [attackMs, releaseMs] : {std::pair{10.0, 100.0}, std::pair{80.0, 800.0}, std::pair{2.0, 50.0}}) {
    Compressor c;
    c.setThreshold(-20_dB);
    c.setRatio(4);
    c.setKnee(0_dB);
    c.setAttack(Milliseconds{attackMs});
    c.setRelease(Milliseconds{releaseMs});
    c.prepare(kFs, 1);
    const double lo = 0.01, hi = 1.0, travel = 15.0;
    auto run = [&](double level, double targetReductionDb, bool rising) {
      for (int n = 0; n < 20 * kFs; ++n) {
        double s = level;
        c.process(&s, 1);
        const double reduction = -db(s / level);
        if (rising ? reduction >= targetReductionDb : reduction <= targetReductionDb) return n + 1;
      }
      return -1;
    };
    for (int n = 0; n < 1000; ++n) {
      double s = lo;
      c.process(&s, 1);
    }
    const int attackSamples = run(hi, travel * (1 - std::exp(-1.0)), true);
    // Let it settle fully at the high level before releasing.
    for (int n = 0; n < 10 * attackMs * kFs / 1000; ++n) {
      double s = hi;
      c.process(&s, 1);
    }
    const int releaseSamples = run(lo, travel * std::exp(-1.0), false);
    INFO("attack " << attackMs << " ms measured " << attackSamples * 1000 / kFs << " ms; release "
                   << releaseMs << " ms measured " << releaseSamples * 1000 / kFs << " ms");
    CHECK(attackSamples * 1000 / kFs == Approx(attackMs).epsilon(0.3));
    CHECK(releaseSamples * 1000 / kFs == Approx(releaseMs).epsilon(0.3));
  }
}

TEST_CASE("Compressor auto make-up keeps the reference level", "[compressor]") {
  // A sine whose peak sits at the reference level comes out at the reference level, ±0.25 dB.
  for (double ref : {-18.0, -12.0}) {
    Compressor c;
    c.setThreshold(-30_dB);
    c.setRatio(4);
    c.setKnee(6_dB);
    c.setAttack(1_ms);
    c.setRelease(300_ms);
    c.setAutoMakeup(true, Decibels{ref});
    c.prepare(kFs, 480);
    const int len = static_cast<int>(kFs);
    auto x = sine(ref, 1000, len);
    auto y = x;
    for (int i = 0; i < len; i += 480) c.process(y.data() + i, 480);
    const double outDb = db(toneAmplitude(y, len / 2, len / 2, 1000));
    INFO("reference " << ref << " dB, out " << outDb << " dB");
    CHECK(outDb == Approx(ref).margin(0.25));
  }
}

TEST_CASE("Compressor: below the knee the signal passes untouched", "[compressor]") {
  Compressor c;
  c.setThreshold(-20_dB);
  c.setKnee(6_dB);
  c.prepare(kFs, 256);
  auto x = sine(-30, 440, 4800);
  auto y = x;
  c.process(y.data(), 4800);
  CHECK(y == x);
  CHECK(c.gainReductionDb() == 0.0);
}

TEST_CASE("Compressor is block-size invariant and silent on silence", "[compressor]") {
  const int len = 30000;
  std::vector<double> x(len);
  uint32_t s = 7;
  for (int n = 0; n < len; ++n) {
    s = s * 1664525u + 1013904223u;
    const double env = (n / 3000) % 2 ? 0.9 : 0.05;
    x[n] = env * (s / 4294967296.0 - 0.5) * 2;
  }
  auto run = [&](int block, const std::vector<double>& in) {
    Compressor c;
    c.setThreshold(-24_dB);
    c.setRatio(6);
    c.setKnee(8_dB);
    c.setAttack(3_ms);
    c.setRelease(120_ms);
    c.setAutoMakeup(true);
    c.setMakeup(2_dB);
    c.prepare(kFs, 4096);
    auto y = in;
    for (int i = 0; i < 15000; i += block) c.process(y.data() + i, std::min(block, 15000 - i));
    c.setThreshold(-12_dB);  // a glide mid-stream
    for (int i = 15000; i < len; i += block) c.process(y.data() + i, std::min(block, len - i));
    return y;
  };
  const auto ref = run(4096, x);
  for (int b : {1, 7, 128, 480}) CHECK(run(b, x) == ref);
  for (double v : run(128, std::vector<double>(len, 0.0))) REQUIRE(v == 0.0);
}

// Gains are evaluated two at a time (a two-lane copy of dmath::dbToGainInline) in chunks; a
// block of 1 sample takes the scalar function. Same bits are required over a wide range of
// gains (make-up up to +48 dB, reductions of 60 dB and more) and through every kind of glide.
TEST_CASE("Compressor: two-lane gains match the scalar path bit for bit", "[compressor]") {
  const int len = 48000;
  std::vector<double> x(len);
  uint32_t s = 11;
  for (int n = 0; n < len; ++n) {
    s = s * 1664525u + 1013904223u;
    const double env = n % 9000 < 3000 ? 1.0 : n % 9000 < 6000 ? 1e-3 : 0.2;
    x[n] = env * (s / 4294967296.0 - 0.5) * 2;
  }
  auto run = [&](int block) {
    Compressor c;
    c.setThreshold(-50_dB);
    c.setRatio(20);
    c.setKnee(0_dB);
    c.setAttack(0.5_ms);
    c.setRelease(20_ms);
    c.setMakeup(48_dB);
    c.prepare(kFs, 4096);
    auto y = x;
    const int changes[] = {9000, 20000, 33000, len};
    int from = 0;
    for (int k = 0; k < 4; ++k) {
      for (int i = from; i < changes[k]; i += block) {
        c.process(y.data() + i, std::min(block, changes[k] - i));
      }
      from = changes[k];
      if (k == 0) c.setKnee(24_dB);
      if (k == 1) { c.setThreshold(-10_dB); c.setMakeup(-24_dB); c.setRatio(2); }
      if (k == 2) c.setAutoMakeup(true, -30_dB);
    }
    return y;
  };
  const auto ref = run(1);
  for (int b : {2, 3, 64, 65, 1000}) CHECK(run(b) == ref);
}

// The level pass computes the gain computer two samples at a time (a two-lane copy of
// dmath::logInline) while the curve is at rest; a block of 1 sample, or the odd last sample of a
// chunk, takes the scalar function. Reference: block size 1. Tolerance: none (bit for bit,
// compared as bytes), with pairs that straddle the knee start in both orders and at every
// offset, levels exactly at the knee start, zeros, subnormals, huge levels (every mantissa
// fold and exponent) at the end, then an infinite and a NaN sample (the scalar fallback).
TEST_CASE("Compressor: two-lane levels match the scalar path bit for bit", "[compressor]") {
  const double kneeStart = std::pow(10.0, (-30.0 - 3.0) / 20.0);  // threshold −30, knee 6
  std::vector<double> x;
  uint32_t s = 5;
  for (int n = 0; n < 20000; ++n) {
    s = s * 1664525u + 1013904223u;
    const double u = s / 4294967296.0;
    const double sign = (s >> 7) & 1 ? 1.0 : -1.0;
    switch ((n / 3 + n % 5) % 6) {  // changes phase against the pairs
      case 0: x.push_back(sign * kneeStart * (0.5 + u)); break;  // either side of the knee
      case 1: x.push_back(sign * std::pow(10.0, -8 * u)); break;  // 0 .. −160 dB
      case 2: x.push_back(sign * u * 4.0); break;
      case 3: x.push_back(n % 2 ? 0.0 : sign * 4e-320); break;
      case 4: x.push_back(sign * (n % 3 ? kneeStart : std::nextafter(kneeStart, 1.0))); break;
      default:  // the last 4000 samples: up to 2^1000 (these drive the gain towards 0)
        x.push_back(sign * (n < 16000 ? u : std::pow(2.0, 1000.0 * u)));
        break;
    }
  }
  x.push_back(std::numeric_limits<double>::infinity());
  x.push_back(0.5);
  x.push_back(std::numeric_limits<double>::quiet_NaN());
  x.push_back(0.5);
  const int len = static_cast<int>(x.size());
  auto run = [&](int block) {
    Compressor c;
    c.setThreshold(-30_dB);
    c.setRatio(4);
    c.setKnee(6_dB);
    c.setAttack(1_ms);
    c.setRelease(50_ms);
    c.prepare(kFs, 4096);
    auto y = x;
    for (int i = 0; i < len; i += block) c.process(y.data() + i, std::min(block, len - i));
    return y;
  };
  const auto ref = run(1);
  for (int b : {2, 3, 63, 64, 65, 4096}) {
    INFO("block size " << b);
    CHECK(std::memcmp(run(b).data(), ref.data(), ref.size() * sizeof(double)) == 0);
  }
}
