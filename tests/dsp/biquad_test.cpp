// RBJ biquads: the magnitude measured by running steady sines through the filter, against the
// analytic |H(e^jw)| of the cookbook design evaluated independently with std:: math.
// Tolerance: ±0.1 dB (issue 2) at 24 frequencies per design.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "dsp/biquad.h"
#include "dsp/biquad_lanes.h"

using namespace vocalmix;

namespace {

constexpr double kPi = 3.14159265358979323846;

// The cookbook formulas, written out again with std:: math as the independent reference.
double referenceMagnitudeDb(FilterType t, double fs, double f0, double q, double gainDb, double f) {
  const double w0 = 2 * kPi * f0 / fs, cw = std::cos(w0), sw = std::sin(w0);
  const double alpha = sw / (2 * q), A = std::pow(10.0, gainDb / 40.0);
  const double sa = 2 * std::sqrt(A) * sw / 2 * std::sqrt(2.0);
  double b[3] = {1, 0, 0}, a[3] = {1, 0, 0};
  switch (t) {
    case FilterType::LowPass: b[0] = (1 - cw) / 2; b[1] = 1 - cw; b[2] = b[0]; a[0] = 1 + alpha; a[1] = -2 * cw; a[2] = 1 - alpha; break;
    case FilterType::HighPass: b[0] = (1 + cw) / 2; b[1] = -(1 + cw); b[2] = b[0]; a[0] = 1 + alpha; a[1] = -2 * cw; a[2] = 1 - alpha; break;
    case FilterType::BandPass: b[0] = alpha; b[1] = 0; b[2] = -alpha; a[0] = 1 + alpha; a[1] = -2 * cw; a[2] = 1 - alpha; break;
    case FilterType::Peak: b[0] = 1 + alpha * A; b[1] = -2 * cw; b[2] = 1 - alpha * A; a[0] = 1 + alpha / A; a[1] = -2 * cw; a[2] = 1 - alpha / A; break;
    case FilterType::LowShelf:
      b[0] = A * ((A + 1) - (A - 1) * cw + sa); b[1] = 2 * A * ((A - 1) - (A + 1) * cw); b[2] = A * ((A + 1) - (A - 1) * cw - sa);
      a[0] = (A + 1) + (A - 1) * cw + sa; a[1] = -2 * ((A - 1) + (A + 1) * cw); a[2] = (A + 1) + (A - 1) * cw - sa; break;
    case FilterType::HighShelf:
      b[0] = A * ((A + 1) + (A - 1) * cw + sa); b[1] = -2 * A * ((A - 1) + (A + 1) * cw); b[2] = A * ((A + 1) + (A - 1) * cw - sa);
      a[0] = (A + 1) - (A - 1) * cw + sa; a[1] = 2 * ((A - 1) - (A + 1) * cw); a[2] = (A + 1) - (A - 1) * cw - sa; break;
  }
  const std::complex<double> z1 = std::polar(1.0, -2 * kPi * f / fs), z2 = z1 * z1;
  const auto h = (b[0] + b[1] * z1 + b[2] * z2) / (a[0] + a[1] * z1 + a[2] * z2);
  return 20 * std::log10(std::abs(h));
}

// Steady-state gain of a sine through the filter, measured by RMS over whole periods.
double measuredMagnitudeDb(const BiquadCoefficients& c, double fs, double f) {
  Biquad bq;
  bq.setCoefficients(c);
  const int settle = static_cast<int>(fs * 0.5);
  const int periods = std::max(4, static_cast<int>(f * 0.2));
  const int len = static_cast<int>(std::floor(periods * fs / f));
  double sumIn = 0, sumOut = 0;
  for (int n = 0; n < settle + len; ++n) {
    const double x = std::sin(2 * kPi * f * n / fs);
    const double y = bq.process(x);
    if (n >= settle) {
      sumIn += x * x;
      sumOut += y * y;
    }
  }
  return 10 * std::log10(sumOut / sumIn);
}

}  // namespace

TEST_CASE("RBJ biquads match the analytic magnitude at 24 frequencies within 0.1 dB", "[biquad]") {
  struct Design { FilterType t; double f0, q, g; const char* name; };
  const Design designs[] = {
      {FilterType::HighPass, 90, 0.7071, 0, "high-pass 90 Hz"},
      {FilterType::LowPass, 8000, 0.7071, 0, "low-pass 8 kHz"},
      {FilterType::Peak, 300, 1.2, -3, "bell 300 Hz -3 dB"},
      {FilterType::Peak, 4000, 0.9, 6, "bell 4 kHz +6 dB"},
      {FilterType::LowShelf, 150, 0.7071, 4, "low shelf 150 Hz +4 dB"},
      {FilterType::HighShelf, 12000, 0.7071, -5, "high shelf 12 kHz -5 dB"},
      {FilterType::BandPass, 6500, 2.0, 0, "band-pass 6.5 kHz"},
  };
  for (double fs : {44100.0, 48000.0, 96000.0}) {
    for (const auto& d : designs) {
      const auto c = BiquadCoefficients::design(d.t, fs, d.f0, d.q, d.g);
      for (int k = 0; k < 24; ++k) {
        const double f = 30.0 * std::pow(2.0, k * std::log2(18000.0 / 30.0) / 23.0);
        const double ref = referenceMagnitudeDb(d.t, fs, d.f0, d.q, d.g, f);
        if (ref < -60) continue;  // deep stop band: RMS measurement is noise-limited
        INFO(d.name << " at fs " << fs << ", f " << f << " Hz");
        CHECK(measuredMagnitudeDb(c, fs, f) == Approx(ref).margin(0.1));
        CHECK(c.magnitudeDb(fs, f) == Approx(ref).margin(1e-6));
      }
    }
  }
}

TEST_CASE("Designed gains hit the cookbook's defining points", "[biquad]") {
  const double fs = 48000;
  // Peak: exactly the gain at f0; shelves: half the gain at f0 (S = 1); HP/LP: -3.01 dB at f0.
  CHECK(BiquadCoefficients::design(FilterType::Peak, fs, 1000, 1, 6).magnitudeDb(fs, 1000) == Approx(6).margin(1e-9));
  CHECK(BiquadCoefficients::design(FilterType::LowShelf, fs, 200, 0.7071, 6).magnitudeDb(fs, 200) == Approx(3).margin(1e-6));
  CHECK(BiquadCoefficients::design(FilterType::HighShelf, fs, 8000, 0.7071, -6).magnitudeDb(fs, 8000) == Approx(-3).margin(1e-6));
  CHECK(BiquadCoefficients::design(FilterType::HighPass, fs, 90, 0.70710678118654752, 0).magnitudeDb(fs, 90) == Approx(-3.0103).margin(1e-3));
}

TEST_CASE("SmoothedBiquad glides without steps and is block-size independent", "[biquad]") {
  const double fs = 48000;
  auto run = [&](int changeAt) {
    SmoothedBiquad f;
    f.prepare(fs, FilterType::Peak);
    f.setFrequency(Hz{1000});
    f.setQ(1.0);
    f.setGain(Decibels{0});
    f.reset();
    std::vector<double> out;
    double maxJump = 0, prev = 0;
    for (int n = 0; n < 24000; ++n) {
      if (n == changeAt) f.setGain(Decibels{12});
      const double y = f.process(0.5 * std::sin(2 * kPi * 1000 * n / fs));
      if (n > 0) maxJump = std::max(maxJump, std::fabs(y - prev));
      prev = y;
      out.push_back(y);
    }
    return std::make_pair(out, maxJump);
  };
  auto [out, jump] = run(4800);
  // The largest sample-to-sample step of a 1 kHz sine of peak 0.5·4 (after +12 dB) is
  // 2·sin(π·1000/48000)·2 ≈ 0.262; a glide must never exceed it by more than a few percent.
  CHECK(jump < 0.262 * 1.05);
  // After the 50 ms glide, the gain is exactly +12 dB (steady-state RMS check over 10 periods).
  double s = 0;
  for (int n = 24000 - 480; n < 24000; ++n) s += out[n] * out[n];
  CHECK(10 * std::log10(s / 480 / (0.125)) == Approx(12).margin(0.05));
}

// BiquadLanes runs two biquads (own coefficients) as the lanes of one Pair; runBiquadsInSeries
// pipelines two filters in series one sample apart, runBiquad runs one filter; both leave the
// critical-path flush out and redo a run when it would have mattered. Reference: scalar Biquad::process, sample by
// sample. Tolerance: none (bit for bit, outputs and state), for runs of every small length
// (0, 1, 2, odd) one after another so state carries across calls, and through a decay into the
// 1e-30 state flush (an impulse, then silence until the state is exactly zero).
TEST_CASE("BiquadLanes, runBiquadsInSeries and runBiquad match scalar biquads bit for bit", "[biquad]") {
  const double fs = 48000;
  const BiquadCoefficients designs[] = {
      BiquadCoefficients::design(FilterType::HighPass, fs, 80, 0.70710678118654752, 0),
      BiquadCoefficients::design(FilterType::Peak, fs, 3000, 2.0, -7.5),
      BiquadCoefficients::design(FilterType::LowShelf, fs, 150, 0.70710678118654752, 4),
      BiquadCoefficients::design(FilterType::LowPass, fs, 12000, 0.5, 0),
      BiquadCoefficients::design(FilterType::BandPass, fs, 7000, 1.0, 0)};
  std::vector<double> x(20000, 0.0);
  uint32_t s = 3;
  for (int n = 0; n < 4000; ++n) {
    s = s * 1664525u + 1013904223u;
    x[n] = (s / 4294967296.0 - 0.5) * (n % 700 < 350 ? 1.0 : 1e-3);
  }
  x[5000] = 1.0;  // then silence: the state rings down into the flush
  const int lengths[] = {0, 1, 2, 3, 1, 1, 7, 64, 255, 0, 5};
  for (const auto& ca : designs) {
    for (const auto& cb : designs) {
      Biquad refA, refB, a, b, pa, pb;
      for (Biquad* f : {&refA, &a, &pa}) f->setCoefficients(ca);
      for (Biquad* f : {&refB, &b, &pb}) f->setCoefficients(cb);
      std::vector<double> series = x, single = x;
      Biquad alone, refAlone;
      alone.setCoefficients(cb);
      refAlone.setCoefficients(cb);
      size_t pos = 0, differing = 0;
      for (int k = 0; pos < x.size(); ++k) {
        const int n = static_cast<int>(std::min<size_t>(lengths[k % 11], x.size() - pos));
        runBiquadsInSeries(a, b, series.data() + pos, n);
        runBiquad(alone, single.data() + pos, n);
        pos += static_cast<size_t>(n);
      }
      for (size_t i = 0; i < x.size(); ++i) differing += single[i] != refAlone.process(x[i]);
      CHECK(alone.state1() == refAlone.state1());
      CHECK(alone.state2() == refAlone.state2());
      Biquad sideA = pa, sideB = pb;  // references for the side-by-side lanes
      for (size_t i = 0; i < x.size(); ++i) {
        const double ref = refB.process(refA.process(x[i]));
        differing += series[i] != ref;
        BiquadLanes lanes(pa, pb);  // reloaded every sample: the state round-trips too
        const Pair y = lanes.process(splat(x[i]));
        lanes.storeState(pa, pb);
        differing += (y[0] != sideA.process(x[i])) + (y[1] != sideB.process(x[i]));
      }
      CHECK(differing == 0);
      CHECK(a.state1() == refA.state1());
      CHECK(a.state2() == refA.state2());
      CHECK(b.state1() == refB.state1());
      CHECK(b.state2() == refB.state2());
      CHECK(pa.state1() == sideA.state1());
      CHECK(pb.state2() == sideB.state2());
      // The impulse's tail reached the flush: the state is exactly zero again.
      CHECK(refA.state1() == 0.0);
      CHECK(refA.state2() == 0.0);
      CHECK(refB.state1() == 0.0);
      CHECK(refB.state2() == 0.0);
    }
  }
}
