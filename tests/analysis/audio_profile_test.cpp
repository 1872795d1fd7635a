// AudioProfile against signals whose answers are known analytically: the band envelope of
// filtered white noise equals the filter's band-averaged power response, a sine's crest factor
// is 3.01 dB, the side/mid ratio of L = s, R = s/2 is 20·log10(1/3), a tail at −20 dB after each
// phrase reads −20 dB, silence has no voice.
#include "analysis/audio_profile.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "dsp/biquad.h"

using namespace vocalmix;
using namespace vocalmix::analysis;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> whiteNoise(int frames, uint32_t seed) {
  std::vector<float> v(static_cast<size_t>(frames));
  uint32_t s = seed;
  for (float& x : v) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    x = static_cast<float>(0.2 * (s / 4294967296.0 * 2.0 - 1.0));
  }
  return v;
}

AudioProfile profileOf(const std::vector<float>& left, const std::vector<float>& right, int rate) {
  ProfileAnalyzer a(rate, 2);
  std::vector<float> inter(2 * left.size());
  for (size_t i = 0; i < left.size(); ++i) {
    inter[2 * i] = left[i];
    inter[2 * i + 1] = right[i];
  }
  // Uneven blocks: the result may not depend on how the audio arrives.
  size_t pos = 0, block = 1;
  while (pos < left.size()) {
    const size_t n = std::min(block, left.size() - pos);
    a.addFrames(inter.data() + 2 * pos, static_cast<int64_t>(n));
    pos += n;
    block = block * 7 % 5003 + 1;
  }
  return a.finish();
}

}  // namespace

TEST_CASE("profile: the band envelope of filtered noise is the filter's band power response", "[profile]") {
  const int rate = 48000;
  const auto noise = whiteNoise(rate * 20, 12345);
  const BiquadCoefficients bell = BiquadCoefficients::design(FilterType::Peak, rate, 2000.0, 1.0, 6.0);
  const BiquadCoefficients shelf = BiquadCoefficients::design(FilterType::LowShelf, rate, 200.0, 0.7071, -5.0);
  Biquad f1, f2;
  f1.setCoefficients(bell);
  f2.setCoefficients(shelf);
  std::vector<float> filtered(noise.size());
  for (size_t i = 0; i < noise.size(); ++i) filtered[i] = static_cast<float>(f2.process(f1.process(noise[i])));
  const AudioProfile dry = profileOf(noise, noise, rate);
  const AudioProfile wet = profileOf(filtered, filtered, rate);
  std::array<bool, kProfileBands> common{};
  const auto diff = envelopeDifferenceDb(dry, wet, &common);
  // Reference: the power response averaged over the band's FFT bins (4096 points at 48 kHz),
  // level-aligned the same way (mean over the compared bands removed).
  std::array<double, kProfileBands> expected{};
  double mean = 0.0;
  int n = 0;
  for (int b = 0; b < kProfileBands; ++b) {
    if (!common[b]) continue;
    const double lo = profileBandCentreHz(b) / std::pow(2.0, 1.0 / 6.0), hi = profileBandCentreHz(b) * std::pow(2.0, 1.0 / 6.0);
    double sum = 0.0;
    int bins = 0;
    for (int k = static_cast<int>(std::ceil(lo / (rate / 4096.0))); k * (rate / 4096.0) < hi; ++k) {
      const double f = k * (rate / 4096.0);
      sum += std::pow(10.0, (bell.magnitudeDb(rate, f) + shelf.magnitudeDb(rate, f)) / 10.0);
      ++bins;
    }
    expected[b] = 10.0 * std::log10(sum / bins);
    mean += expected[b];
    ++n;
  }
  REQUIRE(n >= 20);  // 63 Hz … 16 kHz at 48 kHz: every band but none beyond 0.45·rate
  mean /= n;
  for (int b = 0; b < kProfileBands; ++b) {
    if (!common[b]) continue;
    INFO("band " << profileBandCentreHz(b) << " Hz: measured " << diff[b] << " dB, expected " << expected[b] - mean);
    // 20 s of noise: the low bands hold only 1–3 bins each, so allow for their variance.
    CHECK(diff[b] == Approx(expected[b] - mean).margin(profileBandCentreHz(b) < 150 ? 0.8 : 0.3));
  }
  CHECK(envelopeDistanceDb(dry, dry) == 0.0);
  CHECK(envelopeDistanceDb(dry, wet) > 2.0);
}

TEST_CASE("profile: crest factor, width and loudness of a sine", "[profile]") {
  const int rate = 48000;
  std::vector<float> l(rate * 5), r(rate * 5);
  for (size_t i = 0; i < l.size(); ++i) {
    l[i] = static_cast<float>(0.5 * std::sin(2 * kPi * 997.0 * i / rate));
    r[i] = 0.5f * l[i];
  }
  const AudioProfile p = profileOf(l, r, rate);
  CHECK(p.crestDb == Approx(3.0103).margin(0.05));   // √2 peak over RMS
  CHECK(p.sideToMidDb == kFloorDb);  // R = L/2: an imbalance, not width
  // Width: L = s + n1, R = s + n2 with independent noises of power σ² each: side = (n1 − n2)/2
  // (power σ²/2), mid = s + (n1 + n2)/2 (power S + σ²/2).
  const auto n1 = whiteNoise(rate * 5, 3), n2 = whiteNoise(rate * 5, 4);
  std::vector<float> wl(l.size()), wr(l.size());
  double sigma2 = 0.0, signal = 0.0;
  for (size_t i = 0; i < l.size(); ++i) {
    wl[i] = l[i] + n1[i];
    wr[i] = l[i] + n2[i];
    sigma2 += 0.5 * (double(n1[i]) * n1[i] + double(n2[i]) * n2[i]);
    signal += double(l[i]) * l[i];
  }
  sigma2 /= l.size();
  signal /= l.size();
  const AudioProfile wide = profileOf(wl, wr, rate);
  CHECK(wide.sideToMidDb == Approx(10.0 * std::log10((sigma2 / 2) / (signal + sigma2 / 2))).margin(0.1));
  CHECK(p.hasVoice());
  CHECK(p.phraseEnds == 0);
  CHECK(p.tailDb == kFloorDb);
  const AudioProfile mono = profileOf(l, l, rate);
  CHECK(mono.sideToMidDb == kFloorDb);
}

TEST_CASE("profile: the reverb tail after phrase ends", "[profile]") {
  const int rate = 48000, hop = 1024;  // 4096-point frames at 48 kHz, hop = 1024
  std::vector<float> with, without;
  uint32_t s = 99;
  auto noise = [&]() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return 0.0005 * (s / 4294967296.0 * 2.0 - 1.0);  // about −72 dB: the floor between phrases
  };
  for (int phrase = 0; phrase < 8; ++phrase) {
    for (int i = 0; i < 78 * hop; ++i) {
      const double tone = std::sin(2 * kPi * 440.0 * i / rate);
      const double n = noise();
      double a = 0.0, b = 0.0;
      if (i < 24 * hop) {
        a = b = 0.5 * tone;           // the phrase
      } else if (i < 38 * hop) {
        a = 0.05 * tone;              // a tail 20 dB down for 300 ms
      }
      with.push_back(static_cast<float>(a + n));
      without.push_back(static_cast<float>(b + n));
    }
  }
  const AudioProfile p = profileOf(with, with, rate);
  CHECK(p.phraseEnds == 8);
  CHECK(p.tailDb == Approx(-20.0).margin(0.5));
  const AudioProfile dry = profileOf(without, without, rate);
  CHECK(dry.phraseEnds == 8);
  CHECK(dry.tailDb == Approx(-60.0).margin(0.01));  // the floor: nothing above the noise
}

TEST_CASE("profile: silence and non-finite samples", "[profile]") {
  std::vector<float> zeros(48000 * 3, 0.0f);
  const AudioProfile p = profileOf(zeros, zeros, 48000);
  CHECK_FALSE(p.hasVoice());
  CHECK_FALSE(p.hasNonFinite);
  std::vector<float> bad = whiteNoise(48000 * 3, 7);
  bad[1000] = std::nanf("");
  const AudioProfile q = profileOf(bad, bad, 48000);
  CHECK(q.hasNonFinite);
  CHECK(std::isfinite(q.crestDb));
  CHECK_THROWS_AS(ProfileAnalyzer(48000, 3), std::invalid_argument);
}
