// TruePeakLimiter detector skipping: frames whose 4× values provably stay under the refinement
// gate are not interpolated. The reference is the same limiter with skipping off (every 4×
// value computed), which the skipping one must match bit for bit, for any block split and
// through a ceiling glide; the output must also stay under the ceiling (an independent
// ±32-tap, 16× true-peak meter, as in true_peak_limiter_test.cpp, with its tolerances). Material: the speech test
// vocal at several levels, white noise, sines near Nyquist, full-scale squares and clicks after
// silence (where detection resumes after long skipped stretches), and non-finite samples.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "dsp/true_peak_limiter.h"
#include "support/reference_true_peak.h"
#include "support/test_vocal.h"

using namespace vocalmix;
using testing::referenceTruePeakDb;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kFs = 48000.0;

struct Stereo {
  std::string name;
  std::vector<double> l, r;
  // Allowed true peak over the ceiling on the meter below. Full-band material (white noise,
  // naive squares) has energy up to fs/2, where finite meters disagree with each other and
  // with the detector; true_peak_limiter_test.cpp explains the 0.6 dB.
  double toleranceDb = 0.05;
};

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<Stereo> material() {
  std::vector<Stereo> out;
  const int len = static_cast<int>(kFs * 1.5);
  // The speech test vocal (pauses, noise floor, hum), scaled so its peaks land well under,
  // just under, and far over a −1 dBTP ceiling.
  if (testing::speechAvailable()) {
    testing::TestVocalOptions o;
    o.seconds = 4.0;
    const testing::TestVocal v = testing::makeTestVocal(o);
    double peak = 0;
    for (float s : v.samples) peak = std::max(peak, std::fabs(static_cast<double>(s)));
    for (double peakDb : {-12.0, -2.5, 6.0, 14.0}) {
      const double g = std::pow(10.0, peakDb / 20) / peak;
      Stereo s{"test vocal, peaks " + std::to_string(peakDb) + " dBFS", {}, {}};
      for (size_t i = 0; i + 1 < v.samples.size(); i += 2) {
        s.l.push_back(g * v.samples[i]);
        s.r.push_back(g * v.samples[i + 1]);
      }
      out.push_back(s);
    }
  } else {
    WARN("speech test material missing (alsa-utils): the test vocal is left out");
  }
  // White noise at three levels.
  for (double rmsDb : {-20.0, -6.0, 6.0}) {
    std::mt19937 rng(7);
    std::normal_distribution<double> g(0.0, std::pow(10.0, rmsDb / 20));
    Stereo s{"white noise " + std::to_string(rmsDb) + " dB RMS", std::vector<double>(len),
             std::vector<double>(len), 0.6};
    for (int n = 0; n < len; ++n) {
      s.l[n] = g(rng);
      s.r[n] = g(rng);
    }
    out.push_back(s);
  }
  // Sines near Nyquist (large inter-sample peaks), swept in level across the gate.
  for (double f : {20000.0, 23000.0, 23900.0}) {
    Stereo s{"sine " + std::to_string(f) + " Hz", std::vector<double>(len), std::vector<double>(len)};
    for (int n = 0; n < len; ++n) {
      const double a = 0.1 + 1.1 * n / len;
      s.l[n] = a * std::sin(2 * kPi * f * n / kFs + 0.3);
      s.r[n] = 0.7 * a * std::sin(2 * kPi * (f - 700) * n / kFs);
    }
    out.push_back(s);
  }
  // Full-scale naive square waves with silent gaps.
  {
    Stereo s{"squares with gaps", std::vector<double>(len), std::vector<double>(len), 0.6};
    for (int n = 0; n < len; ++n) {
      const bool on = (n / 2400) % 3 != 2;
      s.l[n] = on ? (std::sin(2 * kPi * 3100 * n / kFs) >= 0 ? 1.0 : -1.0) : 0.0;
      s.r[n] = on ? (std::sin(2 * kPi * 170 * n / kFs) >= 0 ? 0.9 : -0.9) : 0.0;
    }
    out.push_back(s);
  }
  // Clicks (single samples, doublets, alternating pairs) after stretches of silence or a quiet
  // sine: detection resumes with the click at every tap position of the span.
  {
    Stereo s{"clicks", std::vector<double>(len), std::vector<double>(len)};
    for (int n = 0; n < len; ++n) s.r[n] = (n / 9000) % 2 ? 0.05 * std::sin(2 * kPi * 440 * n / kFs) : 0.0;
    for (int k = 0; k < 60; ++k) {
      const int at = 1000 + k * ((len - 2100) / 60) + (k * 7) % 13;  // at + 40 < len
      const double a = (k % 4 == 0) ? 1.0 : (k % 4 == 1 ? -1.3 : 0.8);
      s.l[at] = a;
      if (k % 3 == 1) s.l[at + 1] = -a;  // alternating pair: the largest inter-sample lift
      if (k % 5 == 2) s.r[at + (k % 40)] = 1.0;
    }
    out.push_back(s);
  }
  // Non-finite samples in quiet and in loud stretches (the limiter must not crash or differ).
  {
    Stereo s{"non-finite", std::vector<double>(len), std::vector<double>(len)};
    for (int n = 0; n < len; ++n) {
      const double a = n < len / 2 ? 0.01 : 0.9;
      s.l[n] = a * std::sin(2 * kPi * 300 * n / kFs);
      s.r[n] = a * std::sin(2 * kPi * 500 * n / kFs);
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    s.l[len / 4] = nan;
    s.r[len / 4 + 500] = inf;
    s.l[3 * len / 4] = -inf;
    s.r[3 * len / 4 + 900] = nan;
    out.push_back(s);
  }
  for (Stereo& s : out) {  // end in silence, so the tail is limited and checked too
    s.l.resize(s.l.size() + 4800, 0.0);
    s.r.resize(s.r.size() + 4800, 0.0);
  }
  return out;
}

// The limiter over the whole signal in blocks of `block`, the ceiling gliding from −1 to −3 dB
// a third of the way through.
Stereo run(const Stereo& in, int block, bool skipping) {
  TruePeakLimiter lim;
  lim.setCeiling(Decibels{-1.0});
  lim.setRelease(Milliseconds{40.0});
  lim.prepare(kFs, 4096);
  lim.setDetectorSkipping(skipping);
  Stereo y = in;
  const int n = static_cast<int>(y.l.size()), glide = n / 3;
  for (int i = 0; i < n;) {
    if (i == glide) lim.setCeiling(Decibels{-3.0});
    const int end = std::min({n, i + block, i < glide ? glide : n});
    lim.process(y.l.data() + i, y.r.data() + i, end - i);
    i = end;
  }
  return y;
}

}  // namespace

TEST_CASE("TruePeakLimiter skipping matches full detection bit for bit", "[limiter]") {
  for (const Stereo& s : material()) {
    const Stereo ref = run(s, 4096, false);
    for (int block : {1, 7, 128, 4096}) {
      const Stereo y = run(s, block, true);
      INFO(s.name << ", block " << block);
      CHECK(sameBits(y.l, ref.l));
      CHECK(sameBits(y.r, ref.r));
    }
  }
}

TEST_CASE("TruePeakLimiter with skipping holds the ceiling", "[limiter]") {
  for (const Stereo& s : material()) {
    if (s.name == "non-finite") continue;
    const Stereo y = run(s, 480, true);
    // Measured over the part after the glide has settled at −3 dB (the first two thirds run
    // at −1 dB or in between).
    const size_t from = s.l.size() / 3 + 4800 + 96;
    const std::vector<double> l(y.l.begin() + from, y.l.end()), r(y.r.begin() + from, y.r.end());
    const std::vector<double> l0(y.l.begin(), y.l.begin() + s.l.size() / 3);
    const std::vector<double> r0(y.r.begin(), y.r.begin() + s.l.size() / 3);
    INFO(s.name);
    CHECK(referenceTruePeakDb(l0) <= -1.0 + s.toleranceDb);
    CHECK(referenceTruePeakDb(r0) <= -1.0 + s.toleranceDb);
    CHECK(referenceTruePeakDb(l) <= -3.0 + s.toleranceDb);
    CHECK(referenceTruePeakDb(r) <= -3.0 + s.toleranceDb);
  }
}
