// IntegratedLoudness against libebur128 (the reference implementation of BS.1770 / EBU R 128,
// linked for the tests only) and against the standard's own values: EBU Tech 3341 cases
// 1, 2 (stereo 1 kHz at −23/−33 dBFS → −23.0/−33.0 LUFS) and the gating case 3-style signal.
// Tolerance vs libebur128: 0.001 LU (the same filters and gating; only the summation order and
// the 4th-order vs two-biquad filter form differ). Tolerance vs the EBU values: ±0.1 LU.
#include <catch2/catch.hpp>

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "analysis/integrated_loudness.h"

using vocalmix::analysis::IntegratedLoudness;

namespace {

constexpr double kPi = 3.14159265358979323846;

// Speech-like programme: bursts of filtered noise and tones with pauses, changing levels.
std::vector<float> programme(int rate, int channels, double seconds, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  const int64_t n = static_cast<int64_t>(seconds * rate);
  std::vector<float> x(static_cast<size_t>(n * channels));
  double lp = 0.0, level = 0.1;
  for (int64_t i = 0; i < n; ++i) {
    if (i % (rate / 4) == 0) level = std::uniform_real_distribution<double>(0.0, 1.0)(rng) < 0.3 ? 0.001 : 0.02 + 0.3 * std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    lp = 0.9 * lp + 0.1 * g(rng);
    const double tone = std::sin(2.0 * kPi * 180.0 * i / rate) + 0.3 * std::sin(2.0 * kPi * 2400.0 * i / rate);
    const double v = level * (0.6 * tone + 2.0 * lp);
    for (int c = 0; c < channels; ++c) x[static_cast<size_t>(i * channels + c)] = static_cast<float>(c == 0 ? v : 0.7 * v);
  }
  return x;
}

double ebur128(const std::vector<float>& x, int rate, int channels) {
  ebur128_state* st = ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(rate), EBUR128_MODE_I);
  REQUIRE(st != nullptr);
  REQUIRE(ebur128_add_frames_float(st, x.data(), x.size() / static_cast<size_t>(channels)) == EBUR128_SUCCESS);
  double lufs = 0.0;
  ebur128_loudness_global(st, &lufs);
  ebur128_destroy(&st);
  return lufs;
}

}  // namespace

TEST_CASE("IntegratedLoudness agrees with libebur128 within 0.001 LU", "[analysis][loudness]") {
  double worst = 0.0;
  for (int rate : {11025, 22050, 44100, 48000, 96000}) {
    for (int channels : {1, 2}) {
      const auto x = programme(rate, channels, 7.3, static_cast<unsigned>(rate + channels));
      IntegratedLoudness m(rate, channels);
      m.addFrames(x.data(), static_cast<int64_t>(x.size() / channels));
      const double ref = ebur128(x, rate, channels);
      CAPTURE(rate, channels, ref, m.lufs());
      REQUIRE(std::isfinite(ref));
      CHECK(std::fabs(m.lufs() - ref) < 0.001);
      worst = std::max(worst, std::fabs(m.lufs() - ref));
    }
  }
  WARN("largest difference from libebur128: " << worst << " LU");
}

TEST_CASE("IntegratedLoudness: EBU Tech 3341 cases 1 and 2, block-size independence, silence", "[analysis][loudness]") {
  const int rate = 48000;
  for (double dbfs : {-23.0, -33.0}) {
    std::vector<float> x(2 * 20 * rate);
    for (int i = 0; i < 20 * rate; ++i) {
      x[2 * i] = x[2 * i + 1] = static_cast<float>(std::pow(10.0, dbfs / 20.0) * std::sin(2.0 * kPi * 1000.0 * i / rate));
    }
    IntegratedLoudness whole(rate, 2);
    whole.addFrames(x.data(), 20 * rate);
    CHECK(whole.lufs() == Approx(dbfs).margin(0.1));
    // Planar input and odd block sizes: the same bits.
    std::vector<float> L(20 * rate), R(20 * rate);
    for (int i = 0; i < 20 * rate; ++i) {
      L[i] = x[2 * i];
      R[i] = x[2 * i + 1];
    }
    IntegratedLoudness planar(rate, 2);
    for (int pos = 0; pos < 20 * rate; pos += 1237) planar.addStereo(L.data() + pos, R.data() + pos, std::min(1237, 20 * rate - pos));
    CHECK(planar.lufs() == whole.lufs());
  }
  IntegratedLoudness silent(rate, 1);
  std::vector<float> z(rate, 0.0f);
  silent.addFrames(z.data(), rate);
  CHECK(std::isinf(silent.lufs()));
  IntegratedLoudness shortOne(rate, 1);
  std::vector<float> tone(rate / 4, 0.5f);
  shortOne.addFrames(tone.data(), rate / 4);  // under 400 ms: no block
  CHECK(std::isinf(shortOne.lufs()));
  CHECK_THROWS_AS(IntegratedLoudness(rate, 3), std::invalid_argument);
}
