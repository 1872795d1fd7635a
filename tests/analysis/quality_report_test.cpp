// QualityAnalyzer on constructed signals whose answers are known analytically; each case states
// its reference and tolerance.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "analysis/quality_report.h"
#include "dsp/biquad.h"

using vocalmix::analysis::QualityAnalyzer;
using vocalmix::analysis::QualityReport;
using vocalmix::analysis::toJson;

namespace {

constexpr int kRate = 48000;
constexpr double kPi = 3.14159265358979323846;

double sine(double hz, int64_t n) {
  return std::sin(2.0 * kPi * hz * static_cast<double>(n) / kRate);
}

QualityReport analyse(const std::vector<float>& interleaved, int channels, int64_t block = 999) {
  QualityAnalyzer a(kRate, channels);
  const int64_t frames = static_cast<int64_t>(interleaved.size()) / channels;
  for (int64_t done = 0; done < frames;) {
    const int64_t n = std::min(block, frames - done);
    a.addFrames(interleaved.data() + done * channels, n);
    done += n;
  }
  return a.finish();
}

// Stereo: left = gl·x, right = gr·x for a 1 kHz sine x, `seconds` long, plus DC offsets.
std::vector<float> stereoTone(double seconds, double gl, double gr, double dcl = 0.0,
                              double dcr = 0.0) {
  const auto n = static_cast<int64_t>(seconds * kRate);
  std::vector<float> v;
  v.reserve(static_cast<size_t>(2 * n));
  for (int64_t i = 0; i < n; ++i) {
    const double x = 0.5 * sine(1000.0, i);
    v.push_back(static_cast<float>(gl * x + dcl));
    v.push_back(static_cast<float>(gr * x + dcr));
  }
  return v;
}

void requireAllFinite(const QualityReport& r) {
  for (double v : {r.durationSeconds, r.integratedLufs, r.lra, r.maxShortTermLufs,
                   r.maxMomentaryLufs, r.truePeakDbtp, r.samplePeakDbfs, r.dcOffset,
                   r.noiseFloorDb, r.voiceLevelDb, r.noiseToVoiceDb, r.balanceDb, r.midSideDb,
                   r.spectralLowDb, r.spectralMidDb, r.spectralHighDb}) {
    CHECK(std::isfinite(v));
  }
  // JSON cannot carry inf/NaN (nlohmann writes null): every value must be a number or a bool.
  const auto json = toJson(r);
  for (const auto& [key, value] : json.items()) {
    CAPTURE(key);
    CHECK((value.is_number() || value.is_boolean()));
  }
}

}  // namespace

TEST_CASE("QualityReport: DC offset is the largest |mean| over channels", "[analysis]") {
  // Reference: a 1 kHz sine over whole periods has mean 0, so the mean is the added DC;
  // tolerance 1e-6 (float samples).
  const auto r = analyse(stereoTone(1.0, 1.0, 1.0, 0.01, -0.002), 2);
  CHECK(r.dcOffset == Approx(0.01).margin(1e-6));
  const auto clean = analyse(stereoTone(1.0, 1.0, 1.0), 2);
  CHECK(clean.dcOffset < 1e-6);
}

TEST_CASE("QualityReport: R at -6 dB reads balance +6 dB", "[analysis]") {
  // Reference: 10·log10(EL/ER) = 20·log10(1/g) for R = g·L; tolerance ±0.1 dB.
  const double g = std::pow(10.0, -6.0 / 20.0);
  const auto r = analyse(stereoTone(2.0, 1.0, g), 2);
  CHECK(r.balanceDb == Approx(6.0).margin(0.1));
  const auto mirrored = analyse(stereoTone(2.0, g, 1.0), 2);
  CHECK(mirrored.balanceDb == Approx(-6.0).margin(0.1));
}

TEST_CASE("QualityReport: mid/side ratio of identical, one-sided and opposite channels",
          "[analysis]") {
  // Identical channels: no side energy, reported as +200 (documented limit), so >= 100.
  CHECK(analyse(stereoTone(1.0, 1.0, 1.0), 2).midSideDb >= 100.0);
  // L only: mid = side = L/2, so 0 dB (±0.01).
  CHECK(analyse(stereoTone(1.0, 1.0, 0.0), 2).midSideDb == Approx(0.0).margin(0.01));
  // R = -L: no mid energy, the lower limit.
  CHECK(analyse(stereoTone(1.0, 1.0, -1.0), 2).midSideDb <= -100.0);
  // R = 0.5·L: mid/side = ((1.5)/(0.5))² = 9.54 dB (±0.01).
  CHECK(analyse(stereoTone(1.0, 1.0, 0.5), 2).midSideDb ==
        Approx(20.0 * std::log10(3.0)).margin(0.01));
}

TEST_CASE("QualityReport: tone with noise-only pauses gives the constructed noise/voice ratio",
          "[analysis]") {
  // 1 s of 1 kHz tone (RMS 0.25) alternating with 1 s pauses, white noise of RMS 0.0025
  // throughout: pauses read the noise, voice reads tone + noise, so the expected ratio is
  // 20·log10(0.0025 / sqrt(0.25² + 0.0025²)) ≈ −40.0 dB; tolerance ±1.5 dB.
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.0025);
  const double toneRms = 0.25;
  std::vector<float> mono;
  for (int seg = 0; seg < 10; ++seg) {
    for (int64_t i = 0; i < kRate; ++i) {
      const double voice = (seg % 2 == 0) ? toneRms * std::sqrt(2.0) * sine(1000.0, i) : 0.0;
      mono.push_back(static_cast<float>(voice + noise(rng)));
    }
  }
  const auto r = analyse(mono, 1);
  const double expected =
      20.0 * std::log10(0.0025 / std::sqrt(toneRms * toneRms + 0.0025 * 0.0025));
  CHECK(r.noiseToVoiceDb == Approx(expected).margin(1.5));
  CHECK(r.noiseFloorDb == Approx(20.0 * std::log10(0.0025)).margin(1.5));
  CHECK(r.voiceLevelDb == Approx(20.0 * std::log10(toneRms)).margin(0.5));
  CHECK(r.balanceDb == 0.0);  // mono
}

TEST_CASE("QualityReport: leading/trailing digital silence is not a pause", "[analysis]") {
  // Reference: the same tone-and-noise programme padded with 3 s of zeros on each side must
  // read the same noise floor (±1.5 dB) — padding is not the noise of the take.
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 0.001);
  std::vector<float> mono(static_cast<size_t>(3 * kRate), 0.0f);
  for (int64_t i = 0; i < 4 * kRate; ++i) {
    const double voice = (i / kRate) % 2 == 0 ? 0.3 * sine(300.0, i) : 0.0;
    mono.push_back(static_cast<float>(voice + noise(rng)));
  }
  mono.insert(mono.end(), static_cast<size_t>(3 * kRate), 0.0f);
  const auto r = analyse(mono, 1);
  CHECK(r.noiseFloorDb == Approx(-60.0).margin(1.5));
}

TEST_CASE("QualityReport: spectral balance puts a tone in its band", "[analysis]") {
  // Reference: Butterworth splits at 250 Hz and 4 kHz; a tone two octaves or more from a split
  // leaves < −12 dB in the other bands and > −0.5 dB in its own.
  struct Case {
    double hz;
    int band;  // 0 low, 1 mid, 2 high
  };
  for (const Case c : {Case{60.0, 0}, Case{1000.0, 1}, Case{12000.0, 2}}) {
    CAPTURE(c.hz);
    std::vector<float> mono;
    for (int64_t i = 0; i < kRate; ++i) mono.push_back(static_cast<float>(0.5 * sine(c.hz, i)));
    const auto r = analyse(mono, 1);
    const double bands[] = {r.spectralLowDb, r.spectralMidDb, r.spectralHighDb};
    for (int b = 0; b < 3; ++b) {
      CAPTURE(b, bands[b]);
      if (b == c.band) {
        CHECK(bands[b] > -0.5);
      } else {
        CHECK(bands[b] < -12.0);
      }
    }
  }
}

TEST_CASE("QualityReport: loudness fields match the meter on a known tone", "[analysis]") {
  // Reference: stereo 1 kHz at −23 dBFS reads −23.0 LUFS (EBU Tech 3341 case 1), ±0.1 LU;
  // sample peak −23.0 dBFS ±0.01.
  const double a = std::pow(10.0, -23.0 / 20.0);
  std::vector<float> v;
  for (int64_t i = 0; i < 10 * kRate; ++i) {
    const auto x = static_cast<float>(a * sine(1000.0, i));
    v.push_back(x);
    v.push_back(x);
  }
  const auto r = analyse(v, 2);
  CHECK(r.integratedLufs == Approx(-23.0).margin(0.1));
  CHECK(r.maxMomentaryLufs == Approx(-23.0).margin(0.1));
  CHECK(r.maxShortTermLufs == Approx(-23.0).margin(0.1));
  CHECK(r.samplePeakDbfs == Approx(-23.0).margin(0.01));
  CHECK(r.truePeakDbtp == Approx(-23.0).margin(0.1));
  CHECK(r.durationSeconds == Approx(10.0));
  CHECK(r.sampleRate == kRate);
  CHECK(r.channels == 2);
}

TEST_CASE("QualityReport: silence and too-short input give finite numbers", "[analysis]") {
  SECTION("nothing at all") {
    const auto r = QualityAnalyzer(kRate, 2).finish();
    requireAllFinite(r);
    CHECK(r.durationSeconds == 0.0);
  }
  SECTION("one frame") {
    const auto r = analyse({0.5f, -0.5f}, 2);
    requireAllFinite(r);
  }
  SECTION("ten seconds of digital silence") {
    const auto r = analyse(std::vector<float>(static_cast<size_t>(20 * kRate), 0.0f), 2);
    requireAllFinite(r);
    CHECK(r.integratedLufs == vocalmix::analysis::kFloorDb);
    CHECK(r.truePeakDbtp == vocalmix::analysis::kFloorDb);
    CHECK(r.noiseToVoiceDb == 0.0);
    CHECK(r.dcOffset == 0.0);
  }
  SECTION("8 channels at 8 kHz and 1 channel at 384 kHz") {
    QualityAnalyzer a(8000, 8);
    std::vector<float> block(8 * 100, 0.25f);
    a.addFrames(block.data(), 100);
    requireAllFinite(a.finish());
    QualityAnalyzer b(384000, 1);
    b.addFrames(block.data(), 800);
    requireAllFinite(b.finish());
  }
}

TEST_CASE("QualityReport: NaN/Inf samples are flagged and do not poison the numbers",
          "[analysis]") {
  auto v = stereoTone(1.0, 1.0, 1.0);
  v[1000] = std::numeric_limits<float>::quiet_NaN();
  v[2001] = std::numeric_limits<float>::infinity();
  const auto r = analyse(v, 2);
  CHECK(r.hasNanOrInf);
  requireAllFinite(r);
  CHECK(toJson(r)["has_nan_or_inf"] == true);
  CHECK_FALSE(analyse(stereoTone(0.5, 1.0, 1.0), 2).hasNanOrInf);
}

TEST_CASE("QualityReport: JSON carries the snake_case keys", "[analysis]") {
  const auto j = toJson(analyse(stereoTone(1.0, 1.0, 1.0), 2));
  for (const char* key :
       {"sample_rate", "channels", "duration_s", "integrated_lufs", "lra",
        "max_short_term_lufs", "max_momentary_lufs", "true_peak_dbtp", "sample_peak_dbfs",
        "dc_offset", "noise_floor_db", "voice_level_db", "noise_to_voice_db", "balance_db",
        "mid_side_db", "spectral_low_db", "spectral_mid_db", "spectral_high_db",
        "has_nan_or_inf"}) {
    CAPTURE(key);
    CHECK(j.contains(key));
  }
  CHECK(j["sample_rate"] == kRate);
}

TEST_CASE("QualityReport: results do not depend on block size", "[analysis]") {
  // Reference: identical arithmetic on identical samples, so identical reports.
  const auto v = stereoTone(1.3, 1.0, 0.7, 0.001);
  const auto a = toJson(analyse(v, 2, 1)).dump();
  const auto b = toJson(analyse(v, 2, 4096)).dump();
  CHECK(a == b);
}

TEST_CASE("QualityAnalyzer is move-assignable (a render restarts it per pass)", "[analysis]") {
  QualityAnalyzer a(kRate, 2);
  const auto v = stereoTone(0.5, 1.0, 1.0);
  a.addFrames(v.data(), 1000);
  a = QualityAnalyzer(kRate, 2);
  CHECK(a.finish().durationSeconds == 0.0);
}

namespace {

// The band split, balance, mid/side and DC as the header defines them, one sample at a time
// with scalar Biquads: the reference for the analyzer's two-lane implementation.
struct Direct {
  double low = 0.0, band = 0.0, high = 0.0, l = 0.0, r = 0.0, m = 0.0, s = 0.0;
  std::vector<double> sums;  // per channel
};
Direct direct(const std::vector<float>& x, int rate, int channels) {
  using vocalmix::Biquad;
  using vocalmix::BiquadCoefficients;
  using vocalmix::FilterType;
  const double q = 0.70710678118654752440, high = std::min(4000.0, 0.45 * rate);
  Biquad lp, hp, lp2, hp2;
  lp.setCoefficients(BiquadCoefficients::design(FilterType::LowPass, rate, 250.0, q, 0.0));
  hp.setCoefficients(BiquadCoefficients::design(FilterType::HighPass, rate, 250.0, q, 0.0));
  lp2.setCoefficients(BiquadCoefficients::design(FilterType::LowPass, rate, high, q, 0.0));
  hp2.setCoefficients(BiquadCoefficients::design(FilterType::HighPass, rate, high, q, 0.0));
  Direct d;
  d.sums.assign(static_cast<size_t>(channels), 0.0);
  for (size_t i = 0; i < x.size(); i += static_cast<size_t>(channels)) {
    double sum = 0.0;
    for (int c = 0; c < channels; ++c) sum += x[i + static_cast<size_t>(c)];
    const double mid = sum / channels;
    const double lo = lp.process(mid), band = lp2.process(hp.process(mid)), hi = hp2.process(mid);
    d.low += lo * lo;
    d.band += band * band;
    d.high += hi * hi;
    for (int c = 0; c < channels; ++c) d.sums[static_cast<size_t>(c)] += x[i + static_cast<size_t>(c)];
    if (channels >= 2) {
      const double l = x[i], r = x[i + 1];
      d.l += l * l;
      d.r += r * r;
      d.m += 0.25 * (l + r) * (l + r);
      d.s += 0.25 * (l - r) * (l - r);
    }
  }
  return d;
}

}  // namespace

TEST_CASE("QualityReport: band split and channel measures equal the per-sample definition",
          "[analysis]") {
  // Reference: direct() above. Tolerance 1e-9 dB (the same filters; only the flush of state
  // under 1e-30 and the summation order may differ in the last bits).
  std::mt19937 rng(11);
  std::normal_distribution<double> g(0.0, 0.1);
  for (const int channels : {1, 2, 3}) {
    for (const int rate : {8000, 48000}) {
      CAPTURE(channels, rate);
      const int64_t frames = 3 * rate + 123;
      std::vector<float> x;
      double lp = 0.0;
      for (int64_t i = 0; i < frames; ++i) {
        lp = 0.95 * lp + 0.05 * g(rng);
        const double t = static_cast<double>(i) / rate;
        const double v = lp + 0.2 * std::sin(2.0 * kPi * 1200.0 * t) + 0.01;
        for (int c = 0; c < channels; ++c) x.push_back(static_cast<float>(v * (1.0 - 0.3 * c) + 0.02 * g(rng)));
      }
      QualityAnalyzer a(rate, channels);
      a.addFrames(x.data(), frames);
      const QualityReport r = a.finish();
      const Direct d = direct(x, rate, channels);
      const double total = d.low + d.band + d.high;
      CHECK(r.spectralLowDb == Approx(10.0 * std::log10(d.low / total)).margin(1e-9));
      CHECK(r.spectralMidDb == Approx(10.0 * std::log10(d.band / total)).margin(1e-9));
      CHECK(r.spectralHighDb == Approx(10.0 * std::log10(d.high / total)).margin(1e-9));
      double dc = 0.0;
      for (double sum : d.sums) dc = std::max(dc, std::fabs(sum / static_cast<double>(frames)));
      CHECK(r.dcOffset == Approx(dc).epsilon(1e-12));
      if (channels >= 2) {
        CHECK(r.balanceDb == Approx(10.0 * std::log10(d.l / d.r)).margin(1e-9));
        CHECK(r.midSideDb == Approx(10.0 * std::log10(d.m / d.s)).margin(1e-9));
      }
    }
  }
}

TEST_CASE("QualityReport: dual mono reads as its mono channel", "[analysis]") {
  // Reference: (x + x)/2 is x exactly, so the mid signal, and with it the band split and the
  // 50 ms levels, are the same bits as the mono file's.
  std::mt19937 rng(5);
  std::normal_distribution<double> g(0.0, 0.05);
  std::vector<float> mono, dual;
  for (int64_t i = 0; i < 2 * kRate; ++i) {
    const auto v = static_cast<float>(0.3 * sine(440.0, i) * (i % kRate < kRate / 2) + g(rng));
    mono.push_back(v);
    dual.push_back(v);
    dual.push_back(v);
  }
  const auto m = analyse(mono, 1), d = analyse(dual, 2);
  CHECK(m.spectralLowDb == d.spectralLowDb);
  CHECK(m.spectralMidDb == d.spectralMidDb);
  CHECK(m.spectralHighDb == d.spectralHighDb);
  CHECK(m.noiseFloorDb == d.noiseFloorDb);
  CHECK(m.voiceLevelDb == d.voiceLevelDb);
  CHECK(m.dcOffset == d.dcOffset);
}
