// chain_bench — how fast the engine runs on one core: the live chain (what the browser preview
// runs per block) and the full offline delivery (analyse → chain → normalise → limit), per
// preset, on a 3-minute 48 kHz stereo raw vocal (recorded speech + noise + hum).
//   chain_bench [SECONDS] [RESULTS.json]
// Prints × real time (audio seconds per CPU second of this thread); the machines are noisy,
// so each figure is the best of 3 runs.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/chain.h"
#include "engine/preset.h"
#include "render/offline_mix.h"
#include "support/test_vocal.h"

using namespace vocalmix;

namespace {

double threadSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

class MemorySource : public render::FrameSource {
 public:
  MemorySource(const std::vector<float>& d, int rate) : data_(d), rate_(rate) {}
  int sampleRate() const override { return rate_; }
  int channels() const override { return 2; }
  int64_t frames() const override { return static_cast<int64_t>(data_.size() / 2); }
  void rewind() override { pos_ = 0; }
  int64_t read(float* out, int64_t n) override {
    const int64_t m = std::min<int64_t>(n, frames() - pos_);
    std::copy(data_.begin() + 2 * pos_, data_.begin() + 2 * (pos_ + m), out);
    pos_ += m;
    return m;
  }

 private:
  const std::vector<float>& data_;
  int rate_;
  int64_t pos_ = 0;
};

class NullSink : public render::FrameSink {
 public:
  void write(const float* l, const float*, int n) override { sum_ += n > 0 ? l[0] : 0.0f; }
  void restart() override { sum_ = 0; }
  float sum_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 180.0;
  const std::string resultsPath = argc > 2 ? argv[2] : "";
  testing::TestVocalOptions o;
  o.seconds = seconds;
  const testing::TestVocal v = testing::makeTestVocal(o);
  const int frames = static_cast<int>(v.samples.size() / 2);
  std::vector<float> inL(frames), inR(frames), outL(frames), outR(frames);
  for (int i = 0; i < frames; ++i) {
    inL[i] = v.samples[2 * i];
    inR[i] = v.samples[2 * i + 1];
  }

  std::printf("vocalmix chain_bench: %.0f s of 48 kHz stereo vocal, one core, best of 3\n\n", seconds);
  std::printf("%-17s %18s %18s %20s\n", "preset", "chain @128 (x RT)", "chain @4096 (x RT)", "full render (x RT)");
  nlohmann::json results = nlohmann::json::array();
  for (const auto& preset : bundledPresets()) {
    double best[3] = {1e9, 1e9, 1e9};
    for (int run = 0; run < 3; ++run) {
      for (int k = 0; k < 2; ++k) {
        const int block = k == 0 ? 128 : 4096;
        Chain chain;
        chain.prepare(48000.0, preset.params);
        const double t0 = threadSeconds();
        for (int pos = 0; pos < frames; pos += block) {
          const int n = std::min(block, frames - pos);
          chain.process(&inL[pos], &inR[pos], &outL[pos], &outR[pos], n);
        }
        best[k] = std::min(best[k], threadSeconds() - t0);
      }
      MemorySource source(v.samples, 48000);
      render::MemoryFrameStore store;
      NullSink sink;
      const double t0 = threadSeconds();
      render::runOfflineMix(source, preset.params, store, sink);
      best[2] = std::min(best[2], threadSeconds() - t0);
    }
    const double rt128 = seconds / best[0], rt4096 = seconds / best[1], rtRender = seconds / best[2];
    std::printf("%-17s %18.1f %18.1f %20.1f\n", preset.name.c_str(), rt128, rt4096, rtRender);
    results.push_back({{"preset", preset.name}, {"chain_block128_x_realtime", rt128},
                       {"chain_block4096_x_realtime", rt4096}, {"render_x_realtime", rtRender},
                       {"audio_seconds", seconds}});
  }
  if (!resultsPath.empty()) std::ofstream(resultsPath) << results.dump(2) << "\n";
  return 0;
}
