// DownwardExpander. References: the analytic soft-knee expander curve (Giannoulis, Massberg &
// Reiss 2012, mirrored below the threshold), one-pole time constants (63 % of a step), and
// known signals (sines, silence, a level step).
#include "dsp/downward_expander.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/dmath.h"

using namespace vocalmix;

namespace {

constexpr double kFs = 48000.0;

// The curve written out independently of the class: gain (dB) for an RMS level L.
double analyticGainDb(double L, double T, double R, double range, double knee = 6.0) {
  double g = 0.0;
  if (L - T <= -knee / 2) {
    g = (R - 1.0) * (L - T);
  } else if (L - T < knee / 2) {
    const double u = L - T - knee / 2;
    g = -(R - 1.0) * u * u / (2.0 * knee);
  }
  return std::max(g, -range);
}

// A 1 kHz sine whose RMS is `rmsDb` dBFS.
std::vector<double> sine(double rmsDb, double seconds) {
  std::vector<double> x(static_cast<size_t>(seconds * kFs));
  const double amplitude = dmath::dbToGain(rmsDb) * std::sqrt(2.0);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = amplitude * dmath::sin(dmath::kTwoPi * 1000.0 * i / kFs);
  }
  return x;
}

double rmsDb(const std::vector<double>& x, size_t from, size_t to) {
  double e = 0.0;
  for (size_t i = from; i < to; ++i) e += x[i] * x[i];
  return dmath::powerToDb(e / static_cast<double>(to - from));
}

DownwardExpander make(double threshold, double ratio, double range) {
  DownwardExpander e;
  e.setThreshold(Decibels{threshold});
  e.setRatio(ratio);
  e.setRange(Decibels{range});
  e.prepare(kFs, 512);
  return e;
}

}  // namespace

TEST_CASE("Expander static curve matches the analytic soft-knee formula", "[expander]") {
  // Steady 1 kHz sines below, inside and above the knee; gain = output RMS − input RMS over the
  // last 0.25 s of 1 s. Tolerance ±0.5 dB (detector ripple at 1 kHz is ~±0.07 dB).
  const double T = -50.0;
  for (double ratio : {2.0, 4.0}) {
    for (double level : {-85.0, -70.0, -58.0, -53.0, -50.0, -48.0, -40.0, -20.0}) {
      DownwardExpander e = make(T, ratio, 40.0);
      auto x = sine(level, 1.0);
      const auto in = x;
      e.process(x.data(), static_cast<int>(x.size()));
      const size_t from = x.size() * 3 / 4;
      const double measured = rmsDb(x, from, x.size()) - rmsDb(in, from, x.size());
      INFO("ratio " << ratio << ", level " << level << " dB");
      CHECK(measured == Approx(analyticGainDb(level, T, ratio, 40.0)).margin(0.5));
      CHECK(DownwardExpander::staticGainDb(level, T, ratio, 40.0) ==
            Approx(analyticGainDb(level, T, ratio, 40.0)).margin(1e-12));
      CHECK(e.gainReductionDb() == Approx(-analyticGainDb(level, T, ratio, 40.0)).margin(0.5));
    }
  }
}

TEST_CASE("Expander never cuts more than its range", "[expander]") {
  // Ratio 8 at 40 dB under the threshold would ask for −280 dB; the range caps it. ±0.1 dB.
  for (double range : {0.0, 6.0, 12.0, 40.0}) {
    DownwardExpander e = make(-40.0, 8.0, range);
    auto x = sine(-80.0, 1.0);
    const auto in = x;
    e.process(x.data(), static_cast<int>(x.size()));
    const size_t from = x.size() * 3 / 4;
    INFO("range " << range);
    CHECK(rmsDb(x, from, x.size()) - rmsDb(in, from, x.size()) == Approx(-range).margin(0.1));
    CHECK(e.gainReductionDb() <= range + 1e-9);
  }
}

TEST_CASE("Expander attack and release are the set time constants", "[expander]") {
  // Gain (dB) moves as a one-pole: 63 % of a step in one time constant. The level step is large
  // (−20 dBFS ⇄ −100 dBFS), so the 5 ms detector crosses the knee within a few samples on the
  // way up and ~3 ms on the way down; tolerance ±25 %.
  const double attackMs = 2.0, releaseMs = 120.0, range = 20.0;
  DownwardExpander e = make(-55.0, 8.0, range);
  e.setAttack(Milliseconds{attackMs});
  e.setRelease(Milliseconds{releaseMs});
  // Feeds `x` one sample at a time; returns the gain reduction (dB) after each sample.
  auto trace = [&](std::vector<double> x) {
    std::vector<double> gr(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      e.process(&x[i], 1);
      gr[i] = e.gainReductionDb();
    }
    return gr;
  };
  auto msUntil = [](const std::vector<double>& gr, auto&& reached) {
    for (size_t i = 0; i < gr.size(); ++i) {
      if (reached(gr[i])) return static_cast<double>(i) / kFs * 1000.0;
    }
    return -1.0;
  };

  trace(sine(-100.0, 1.0));  // settle at full range
  REQUIRE(e.gainReductionDb() == Approx(range).margin(0.01));
  // Attack: from the step until the cut has shrunk to 37 % of the range.
  const auto up = trace(sine(-20.0, 1.0));
  CHECK(msUntil(up, [&](double gr) { return gr <= 0.368 * range; }) ==
        Approx(attackMs).epsilon(0.25));
  REQUIRE(e.gainReductionDb() == 0.0);

  // Release: from the first cut (detector below the knee) until the cut reaches 63 % of range.
  const auto down = trace(sine(-100.0, 1.0));
  const double firstCut = msUntil(down, [](double gr) { return gr > 0.0; });
  const double reached = msUntil(down, [&](double gr) { return gr >= 0.632 * range; });
  INFO("first cut at " << firstCut << " ms, 63 % at " << reached << " ms");
  REQUIRE(firstCut >= 0.0);
  CHECK(reached - firstCut == Approx(releaseMs).epsilon(0.25));
}

TEST_CASE("Expander: ratio 1 is exactly transparent and silence stays silence", "[expander]") {
  DownwardExpander off = make(-30.0, 1.0, 40.0);
  auto x = sine(-60.0, 0.5);
  const auto in = x;
  off.process(x.data(), static_cast<int>(x.size()));
  CHECK(x == in);

  DownwardExpander e = make(-55.0, 4.0, 30.0);
  std::vector<double> zeros(48000, 0.0);
  e.process(zeros.data(), static_cast<int>(zeros.size()));
  CHECK(std::all_of(zeros.begin(), zeros.end(), [](double v) { return v == 0.0; }));
  CHECK(e.gainReductionDb() == Approx(30.0).margin(0.05));  // 1 s = 8 release constants
}

TEST_CASE("Expander output is identical for any block split and finite", "[expander]") {
  // Reference: one call over the whole signal; exact equality. Signal: bursts above/below the
  // threshold and a full-scale square wave.
  std::vector<double> x;
  for (double level : {-20.0, -70.0, -45.0, -90.0, -10.0}) {
    const auto s = sine(level, 0.3);
    x.insert(x.end(), s.begin(), s.end());
  }
  for (int i = 0; i < 9600; ++i) x.push_back((i / 100) % 2 == 0 ? 1.0 : -1.0);
  DownwardExpander whole = make(-50.0, 3.0, 24.0);
  auto reference = x;
  whole.process(reference.data(), static_cast<int>(reference.size()));
  CHECK(std::all_of(reference.begin(), reference.end(), [](double v) { return std::isfinite(v); }));
  for (int block : {1, 7, 128, 480, 4096}) {
    DownwardExpander e = make(-50.0, 3.0, 24.0);
    auto y = x;
    for (size_t i = 0; i < y.size(); i += static_cast<size_t>(block)) {
      e.process(y.data() + i, static_cast<int>(std::min<size_t>(block, y.size() - i)));
    }
    INFO("block " << block);
    CHECK(y == reference);
  }
}

TEST_CASE("Expander recovers from NaN/Inf input", "[expander]") {
  // A bad sample may pass through as itself, but must not stay in the detector.
  DownwardExpander e = make(-50.0, 2.0, 20.0);
  auto x = sine(-20.0, 0.5);
  x[1000] = std::nan("");
  x[2000] = HUGE_VAL;
  e.process(x.data(), static_cast<int>(x.size()));
  CHECK(std::all_of(x.begin() + 2001, x.end(), [](double v) { return std::isfinite(v); }));
  CHECK(e.gainReductionDb() == 0.0);
}

TEST_CASE("Expander: a threshold change while playing glides", "[expander]") {
  // The threshold jumps from −80 to −20 dB on a steady −40 dBFS tone: the cut must build up
  // over tens of milliseconds, never as a step. Reference: the tone's own largest step; the
  // output's largest sample-to-sample step may not exceed it.
  DownwardExpander e = make(-80.0, 4.0, 30.0);
  auto x = sine(-40.0, 1.0);
  const auto in = x;
  e.process(x.data(), 24000);
  e.setThreshold(Decibels{-20.0});
  e.process(x.data() + 24000, 24000);
  double stepIn = 0.0, stepOut = 0.0;
  for (size_t i = 1; i < x.size(); ++i) {
    stepIn = std::max(stepIn, std::fabs(in[i] - in[i - 1]));
    stepOut = std::max(stepOut, std::fabs(x[i] - x[i - 1]));
  }
  CHECK(stepOut <= 1.01 * stepIn);
  CHECK(e.gainReductionDb() > 25.0);  // ~4 release time constants after the change
}

TEST_CASE("Expander equals a per-sample model of its recurrences bit for bit", "[expander]") {
  // Reference: the expander written out one sample at a time from its definition (RMS
  // detector, flat ends, static curve, dB-domain one-pole gain smoother), with the out-of-line
  // dmath functions. The class takes two samples at a time and runs the gains in blocks; it
  // must give exactly the same bits, including where the gain settles and restarts.
  const double T = -45.0, R = 3.0, range = 20.0, attackMs = 2.0, releaseMs = 120.0;
  std::vector<double> x;
  uint32_t s = 5;
  for (int seg = 0; seg < 14; ++seg) {
    // Levels that cross every part of the curve: above the knee, in it, on the slope, at the
    // floor, and digital silence.
    const double levels[] = {-20.0, -44.0, -50.0, -60.0, -90.0, -300.0, -47.0};
    const double a = dmath::dbToGain(levels[seg % 7]);
    for (int n = 0; n < 4801 + 37 * seg; ++n) {
      s = s * 1664525u + 1013904223u;
      x.push_back(a * (s / 4294967296.0 - 0.5) * 3.4);
    }
  }
  const auto coeff = [](double seconds) { return 1.0 - dmath::exp(-1.0 / (kFs * seconds)); };
  const double dc = coeff(0.005), ac = coeff(attackMs * 1e-3), rc = coeff(releaseMs * 1e-3);
  const double kneeTop = dmath::exp((T + 3.0) * (dmath::kLn10 / 10.0));
  const double floorDb = std::min(T - 3.0, T - range / (R - 1.0));
  const double floorPower = dmath::exp(floorDb * (dmath::kLn10 / 10.0));
  std::vector<double> expected(x.size());
  double ms = 0.0, gainDb = 0.0, gain = 1.0;
  for (size_t i = 0; i < x.size(); ++i) {
    ms += dc * (x[i] * x[i] - ms);
    if (!(ms >= 1e-30 && ms <= 1e30)) ms = 0.0;
    const double target = ms >= kneeTop      ? 0.0
                          : ms <= floorPower ? -range
                                             : analyticGainDb(dmath::powerToDb(ms), T, R, range);
    if (target != gainDb) {
      gainDb += (target > gainDb ? ac : rc) * (target - gainDb);
      if (std::fabs(target - gainDb) < 1e-9) gainDb = target;
      gain = gainDb == 0.0 ? 1.0 : dmath::dbToGain(gainDb);
    }
    expected[i] = x[i] * gain;
  }
  for (int block : {1, 2, 63, 64, 65, 4096}) {
    DownwardExpander e = make(T, R, range);
    auto y = x;
    for (size_t i = 0; i < y.size(); i += static_cast<size_t>(block)) {
      e.process(y.data() + i, static_cast<int>(std::min<size_t>(block, y.size() - i)));
    }
    INFO("block " << block);
    CHECK(y == expected);
    CHECK(e.gainReductionDb() == (gainDb < 0.0 ? -gainDb : 0.0));
  }
}
