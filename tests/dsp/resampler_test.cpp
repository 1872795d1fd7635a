// Resampler references: an analytic sine at the new rate (amplitude ±0.02 dB, residual below
// -80 dB), an impulse train that must stay on the exact output grid after 3 minutes (no
// drift), stop-band rejection above the lower rate's cut-off (>= 50 dB), bit-exact pass-through
// at equal rates, and independence from the push block size.
#include <catch2/catch.hpp>

#include "dsp/resampler.h"
#include "dsp/test_signals.h"

using namespace vocalmix;
using namespace vocalmix::test;

namespace {
std::vector<float> resample(const std::vector<float>& in, int inRate, int outRate, int block) {
  Resampler r;
  r.prepare(inRate, outRate, 1);
  std::vector<float> out, buf(8192);
  for (size_t i = 0; i < in.size(); i += block) {
    const int n = static_cast<int>(std::min<size_t>(block, in.size() - i));
    r.push(in.data() + i, n);
    for (int m; (m = r.pull(buf.data(), 8192)) > 0;) out.insert(out.end(), buf.begin(), buf.begin() + m);
  }
  r.finish();
  for (int m; (m = r.pull(buf.data(), 8192)) > 0;) out.insert(out.end(), buf.begin(), buf.begin() + m);
  return out;
}

std::vector<float> sineAt(int rate, double f, double seconds, double amp = 0.5) {
  std::vector<float> x(static_cast<size_t>(rate * seconds));
  for (size_t n = 0; n < x.size(); ++n) x[n] = static_cast<float>(amp * std::sin(2 * kPi * f * n / rate));
  return x;
}
}  // namespace

TEST_CASE("Resampler: a sine arrives as the same sine at the new rate", "[resampler]") {
  for (auto [in, out] : {std::pair{44100, 48000}, std::pair{48000, 44100}, std::pair{22050, 48000}, std::pair{96000, 48000}}) {
    INFO(in << " -> " << out);
    const auto y = resample(sineAt(in, 1000.0, 2.0), in, out, 4096);
    CHECK(y.size() == static_cast<size_t>(2 * out));  // 2 s in, 2 s out
    double err = 0, ref = 0;
    for (size_t n = out / 10; n < y.size() - out / 10; ++n) {
      const double e = 0.5 * std::sin(2 * kPi * 1000.0 * n / out);
      err += (y[n] - e) * (y[n] - e);
      ref += e * e;
    }
    CHECK(10 * std::log10(err / ref) < -80.0);
  }
}

TEST_CASE("Resampler: clicks on a beat grid stay on the grid after 3 minutes", "[resampler]") {
  // 120 BPM at 44.1 kHz: a click every 22050 samples; at 48 kHz the grid is every 24000.
  std::vector<float> clicks(static_cast<size_t>(44100 * 181), 0.0f);
  for (size_t n = 0; n < clicks.size(); n += 22050) clicks[n] = 0.8f;
  const auto y = resample(clicks, 44100, 48000, 4096);
  int checked = 0;
  for (size_t beat = 0; beat * 24000 + 100 < y.size(); beat += 60) {
    size_t peak = beat * 24000 >= 50 ? beat * 24000 - 50 : 0;
    for (size_t n = peak; n < beat * 24000 + 50; ++n) if (std::fabs(y[n]) > std::fabs(y[peak])) peak = n;
    INFO("beat " << beat);
    CHECK(peak == beat * 24000);
    ++checked;
  }
  CHECK(checked >= 6);  // ... including beat 360, three minutes in
}

TEST_CASE("Resampler: rejects what the lower rate cannot hold", "[resampler]") {
  // 23 kHz fits 48 kHz but would fold to 21.1 kHz at 44.1 kHz.
  const auto y = resample(sineAt(48000, 23000.0, 1.0), 48000, 44100, 4096);
  double rms = 0;
  for (size_t n = 4410; n < y.size() - 4410; ++n) rms += double(y[n]) * y[n];
  rms = std::sqrt(rms / (y.size() - 8820));
  CHECK(db(rms / (0.5 / std::sqrt(2.0))) < -50.0);
}

TEST_CASE("Resampler: equal rates pass through bit for bit; any block split gives the same output", "[resampler]") {
  const auto x = sineAt(48000, 440.0, 0.5);
  CHECK(resample(x, 48000, 48000, 1000) == x);
  const auto a = resample(sineAt(44100, 3000.0, 1.0), 44100, 48000, 4096);
  const auto b = resample(sineAt(44100, 3000.0, 1.0), 44100, 48000, 7);
  CHECK(a == b);
  CHECK(a.size() == 48000);
}
