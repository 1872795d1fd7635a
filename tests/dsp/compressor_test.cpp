// Compressor: references are the analytic soft-knee curve of Giannoulis, Massberg & Reiss
// (2012), eq. (4) — checked at hand-computed points, then against steady sines (±0.25 dB) —
// and the detector's time constant (a step reaches 1 − 1/e of its travel in τ, ±30 %).
#include <catch2/catch.hpp>

#include "dsp/test_signals.h"
#include <cmath>
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
