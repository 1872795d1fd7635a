// The offline mix's normalisation loop when the first exact pass misses the target: the sink is
// restarted and holds only the delivered try, and the retry lands. A miss is forced with a store
// that reads the chain's output back louder than it was written, so the output model (fed what
// was written) is wrong by a known amount. Reference: IntegratedLoudness over what the sink holds.
#include <catch2/catch.hpp>
#include <cmath>
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
