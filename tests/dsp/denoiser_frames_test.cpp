// Denoiser framing edge cases: the hop-at-a-time host loop (digital-silence counting across any
// block split) and the test that drops a frame whose power sum is not finite (a fast check per
// bin, the exact in-order sum only when a bin is beyond 2^1000). References: the same processor
// fed in one call, the input itself (a delay at unity gain) and exact silence.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/denoiser.h"
#include "support/xorshift.h"

using namespace vocalmix;

namespace {

using testing::Rng;

// Uniform white noise of the given rms (uniform ±a has rms a/√3).
std::vector<double> noise(size_t n, double rms, uint64_t seed) {
  Rng r(seed);
  std::vector<double> x(n);
  for (double& v : x) v = r.uniform() * rms * std::sqrt(3.0);
  return x;
}

std::vector<double> run(Denoiser& d, std::vector<double> x, int block) {
  for (size_t i = 0; i < x.size(); i += static_cast<size_t>(block)) {
    d.process(x.data() + i, static_cast<int>(std::min<size_t>(block, x.size() - i)));
  }
  return x;
}

double rms(const std::vector<double>& x, size_t from, size_t to) {
  double e = 0.0;
  for (size_t i = from; i < to; ++i) e += x[i] * x[i];
  return std::sqrt(e / static_cast<double>(to - from));
}

}  // namespace

TEST_CASE("Denoiser counts digital silence the same for any block split", "[denoiser]") {
  // Zero runs just below, at and above the 64-sample silence threshold, and long gaps, at
  // offsets that fall across hop boundaries; the online estimate is the one that reads them.
  const double fs = 48000;
  auto x = noise(static_cast<size_t>(4.0 * fs), 0.01, 21);
  for (size_t i = 0; i < x.size(); i += 1500) x[i] = 0.0;  // lone zeros
  const size_t gaps[][2] = {{700, 63},    {9000, 64},   {20000, 65},  {33000, 2000},
                            {60000, 511}, {70001, 513}, {96000, 1024}, {150000, 40000}};
  for (const auto& g : gaps) std::fill(x.begin() + g[0], x.begin() + g[0] + g[1], 0.0);
  auto fresh = [&] {
    Denoiser d;
    d.prepare(fs, 4096);
    d.setReduction(Decibels{24.0});
    return d;
  };
  Denoiser whole = fresh();
  const auto reference = run(whole, x, static_cast<int>(x.size()));
  for (int block : {1, 2, 3, 63, 511, 512, 513, 1500}) {
    Denoiser d = fresh();
    INFO("block " << block);
    CHECK(run(d, x, block) == reference);
  }
}

TEST_CASE("Denoiser drops a frame whose power sum overflows although every bin is finite",
          "[denoiser]") {
  // White noise of rms σ puts E|X|² = (N/2)·σ² in each bin (Σ sin² over the frame). At
  // σ = 1e152 that is ~5e306 per bin, finite, but 513 of them sum past the largest double:
  // every frame is dropped and the output is exact silence. At σ = 1e150 the bins (~5e302) are
  // still beyond the quick check's 2^1000, but their sum is finite: the frames are kept, and
  // with a noise profile far below them the gains are ~1, so the output is the delayed input.
  const double fs = 48000;
  const size_t n = static_cast<size_t>(1.0 * fs);
  for (double sigma : {1e152, 1e150}) {
    Denoiser d;
    d.prepare(fs, 512);
    d.setReduction(Decibels{12.0});
    d.setNoiseProfile(std::vector<double>(static_cast<size_t>(d.fftSize() / 2 + 1),
                                          sigma * sigma * 1e-6));
    const auto x = noise(n, sigma, 5);
    const auto y = run(d, x, 480);
    INFO("sigma " << sigma);
    CHECK(std::all_of(y.begin(), y.end(), [](double v) { return std::isfinite(v); }));
    if (sigma > 1e151) {
      CHECK(std::all_of(y.begin(), y.end(), [](double v) { return v == 0.0; }));
    } else {
      const auto latency = static_cast<size_t>(d.latency());
      const size_t from = 4 * static_cast<size_t>(d.fftSize());
      const double in = rms(x, from - latency, n - latency);
      const double out = rms(y, from, n);
      CHECK(out / in == Approx(1.0).margin(0.01));
    }
  }
}
