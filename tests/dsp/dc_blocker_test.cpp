// DcBlocker: reference is the ideal high-pass — zero DC gain and ~unity gain in the audio band
// (analytic |H| at 1 kHz is −0.0004 dB). Tolerances: |mean| < 1e-4 over the last second,
// 1 kHz amplitude within ±0.05 dB; block splits bit-identical; silence stays exact zeros.
#include <catch2/catch.hpp>

#include "dsp/test_signals.h"
#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/dc_blocker.h"

using namespace vocalmix;

using namespace vocalmix::test;

namespace {


std::vector<double> runBlocks(std::vector<double> x, int block) {
  DcBlocker dc;
  dc.prepare(kFs, 4096);
  for (size_t i = 0; i < x.size(); i += block) {
    dc.process(x.data() + i, static_cast<int>(std::min<size_t>(block, x.size() - i)));
  }
  return x;
}

}  // namespace

TEST_CASE("DcBlocker removes DC and keeps 1 kHz", "[dc]") {
  const int len = static_cast<int>(3 * kFs);
  std::vector<double> x(len);
  for (int n = 0; n < len; ++n) x[n] = 0.3 + 0.5 * std::sin(2 * kPi * 1000.0 * n / kFs);
  const std::vector<double> y = runBlocks(x, 512);
  const int last = static_cast<int>(kFs);
  double mean = 0;
  for (int n = len - last; n < len; ++n) mean += y[n];
  mean /= last;
  CHECK(std::fabs(mean) < 1e-4);
  const double gainDb =
      20 * std::log10(toneAmplitude(y, len - last, last, 1000) / toneAmplitude(x, len - last, last, 1000));
  CHECK(std::fabs(gainDb) < 0.05);
}

TEST_CASE("DcBlocker is block-size invariant", "[dc]") {
  std::vector<double> x(20000);
  uint32_t s = 1;
  for (auto& v : x) {
    s = s * 1664525u + 1013904223u;
    v = 0.2 + (s / 4294967296.0 - 0.5);
  }
  const auto ref = runBlocks(x, 4096);
  for (int b : {1, 7, 128, 480}) CHECK(runBlocks(x, b) == ref);
}

TEST_CASE("DcBlocker: silence in, exact zeros out, and tails end", "[dc]") {
  const auto y = runBlocks(std::vector<double>(48000, 0.0), 128);
  for (double v : y) REQUIRE(v == 0.0);
  // A DC step, then silence: the one-pole tail must reach exact zero (state flush), here
  // within 3 s (R ≈ 0.9987: 1 → 1e-30 takes ~1.1 s).
  std::vector<double> x(4 * 48000, 0.0);
  for (int n = 0; n < 48000; ++n) x[n] = 0.5;
  const auto z = runBlocks(x, 480);
  for (size_t n = 3 * 48000; n < z.size(); ++n) REQUIRE(z[n] == 0.0);
}

// StereoDcBlocker is documented as bit-identical to two DcBlockers: the reference is two mono
// blockers on the same channels, tolerance zero, with offsets, a tail into silence (the 1e-30
// flush) and uneven block splits.
TEST_CASE("StereoDcBlocker equals two DcBlockers bit for bit", "[dc]") {
  const int len = 8 * 48000;  // 1 s of signal, then 7 s of silence (~90 time constants at 2 Hz)
  std::vector<double> l(len), r(len);
  for (int n = 0; n < len; ++n) {
    const double on = n < 48000 ? 1.0 : 0.0;  // the tails must flush to zero identically
    l[n] = on * (0.3 + 0.5 * std::sin(2 * kPi * 220 * n / kFs));
    r[n] = on * (-0.2 + 0.4 * std::sin(2 * kPi * 3000 * n / kFs + 1.0));
  }
  DcBlocker dl, dr;
  dl.setCorner(Hz{2});
  dr.setCorner(Hz{2});
  dl.prepare(kFs, 4096);
  dr.prepare(kFs, 4096);
  std::vector<double> refL = l, refR = r;
  dl.process(refL.data(), len);
  dr.process(refR.data(), len);

  for (int block : {1, 77, 4096}) {
    StereoDcBlocker s;
    s.setCorner(Hz{2});
    s.prepare(kFs, 4096);
    std::vector<double> yl = l, yr = r;
    for (int i = 0; i < len; i += block) s.process(yl.data() + i, yr.data() + i, std::min(block, len - i));
    CHECK(yl == refL);
    CHECK(yr == refR);
    CHECK(yl.back() == 0.0);
    CHECK(yr.back() == 0.0);
  }
}
