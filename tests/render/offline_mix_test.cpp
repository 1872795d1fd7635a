// The offline mix: the input analysis's non-finite check, and the normalisation loop when the
// first exact pass misses the target: the sink is
// restarted and holds only the delivered try, and the retry lands. A miss is forced with a store
// that reads the chain's output back louder than it was written, so the output model (fed what
// was written) is wrong by a known amount. Reference: IntegratedLoudness over what the sink holds.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/integrated_loudness.h"
#include "engine/preset.h"
#include "render/offline_mix.h"
#include "support/memory_source.h"
#include "support/test_vocal.h"

using namespace vocalmix;

namespace {

// Reads back every sample scaled by `gain` (stands in for a model that misjudges the output).
class LouderStore : public render::FrameStore {
 public:
  explicit LouderStore(float gain) : gain_(gain) {}
  void append(const float* l, const float* r, int n) override { inner_.append(l, r, n); }
  void rewind() override { inner_.rewind(); }
  int read(float* l, float* r, int n) override {
    const int got = inner_.read(l, r, n);
    for (int i = 0; i < got; ++i) {
      l[i] *= gain_;
      r[i] *= gain_;
    }
    return got;
  }

 private:
  float gain_;
  render::MemoryFrameStore inner_;
};

class CountingSink : public render::FrameSink {
 public:
  void write(const float* l, const float* r, int n) override {
    left.insert(left.end(), l, l + n);
    right.insert(right.end(), r, r + n);
  }
  void restart() override {
    ++restarts;
    left.clear();
    right.clear();
  }
  std::vector<float> left, right;
  int restarts = 0;
};

}  // namespace

TEST_CASE("a missed normalisation try restarts the sink, which then holds the delivery only",
          "[render][mix]") {
  REQUIRE(testing::speechAvailable());
  testing::TestVocalOptions o;
  o.seconds = 10.0;
  const testing::TestVocal v = testing::makeTestVocal(o);
  testing::MemorySource source(v.samples, 2, 48000);
  const ParamSet params = bundledPreset("modern_clean").params;

  for (float misjudgedDb : {0.0f, 1.5f, -3.0f}) {
    INFO("store reads back " << misjudgedDb << " dB");
    LouderStore store(static_cast<float>(std::pow(10.0, misjudgedDb / 20.0)));
    CountingSink sink;
    const render::MixResult r = render::runOfflineMix(source, params, store, sink);
    // No miss: one pass; a miss of 1.5 or 3 dB: the model corrected by its error lands next.
    CHECK(r.normalisationTries == (misjudgedDb == 0.0f ? 1 : 2));
    CHECK(sink.restarts == r.normalisationTries - 1);
    REQUIRE(static_cast<int64_t>(sink.left.size()) == r.frames);
    analysis::IntegratedLoudness meter(48000, 2);
    meter.addStereo(sink.left.data(), sink.right.data(), static_cast<int>(sink.left.size()));
    CHECK(meter.lufs() == Approx(r.deliveredLufs).margin(1e-9));
    CHECK(r.deliveredLufs == Approx(-14.0).margin(render::kLoudnessTolerance));
  }
}

TEST_CASE("the input analysis finds the first non-finite frame, whatever the layout and position",
          "[render][mix]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (int channels : {1, 2, 3}) {
    // Frames 0, 1 (the second of a pair), 2 (the first of a pair), the last frame (a tail after
    // the pairs when the count is odd), and none.
    constexpr int64_t kFrames = 24001;  // 0.5 s: long enough to measure, an odd count
    for (int64_t at : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{4095}, kFrames - 1, int64_t{-1}}) {
      INFO(channels << " channels, bad sample at frame " << at);
      std::vector<float> samples(static_cast<size_t>(kFrames) * channels);
      for (size_t i = 0; i < samples.size(); ++i) samples[i] = 0.1f * static_cast<float>((i * 7919) % 13) - 0.6f;
      if (at >= 0) {
        samples[static_cast<size_t>(at) * channels + (channels - 1)] = static_cast<float>(nan);
        if (at < kFrames - 1) samples[static_cast<size_t>(kFrames - 1) * channels] = static_cast<float>(inf);
      }
      testing::MemorySource source(samples, channels, 48000);
      const render::InputAnalysis a = render::analyseInput(source);
      CHECK(a.firstNonFiniteFrame == at);
      CHECK(a.frames == kFrames);
      CHECK(a.integratedLufs > -100.0);  // non-finite samples are measured as silence
    }
  }
}
