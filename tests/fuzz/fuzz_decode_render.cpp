// Fuzz target: arbitrary bytes as an uploaded audio file — decoded by libsndfile from memory
// (io::AudioReader::fromMemory, as the server and the browser do), then, when it is audio the
// render accepts, a short offline mix with a bundled preset (analysis, chain, normalisation,
// limiter). Bad files must end in IoError with a message; an accepted file must render to
// finite samples. Capped at 0.25 s of audio so each input runs in milliseconds.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/preset.h"
#include "io/audio_file.h"
#include "render/offline_mix.h"

namespace {

using namespace vocalmix;

class MemorySource : public render::FrameSource {
 public:
  MemorySource(std::vector<float> samples, int rate, int channels)
      : samples_(std::move(samples)), rate_(rate), channels_(channels) {}
  int sampleRate() const override { return rate_; }
  int channels() const override { return channels_; }
  int64_t frames() const override { return static_cast<int64_t>(samples_.size()) / channels_; }
  void rewind() override { pos_ = 0; }
  int64_t read(float* out, int64_t frames) override {
    const int64_t n = std::min<int64_t>(frames, this->frames() - pos_);
    std::copy_n(samples_.begin() + pos_ * channels_, n * channels_, out);
    pos_ += n;
    return n;
  }

 private:
  std::vector<float> samples_;
  int rate_, channels_;
  int64_t pos_ = 0;
};

class FiniteSink : public render::FrameSink {
 public:
  void write(const float* l, const float* r, int n) override {
    for (int i = 0; i < n; ++i) {
      if (!std::isfinite(l[i]) || !std::isfinite(r[i])) std::abort();  // a render must never produce NaN/Inf
    }
    frames += n;
  }
  void restart() override { frames = 0; }
  int64_t frames = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<float> samples;
  int rate = 0, channels = 0;
  try {
    auto reader = io::AudioReader::fromMemory(std::vector<uint8_t>(data, data + size), "fuzz.wav");
    const io::AudioInfo& info = reader.info();
    if (info.channels < 1 || info.channels > io::kMaxChannels || info.frames < 1) std::abort();  // the reader's promise
    rate = info.sampleRate;
    channels = info.channels;
    const int64_t cap = std::min<int64_t>(info.frames, rate / 4);
    samples.resize(static_cast<size_t>(cap * channels));
    int64_t got = 0;
    while (got < cap) {
      const int64_t n = reader.read(samples.data() + got * channels, cap - got);
      if (n <= 0) break;
      got += n;
    }
    samples.resize(static_cast<size_t>(got * channels));
    reader.rewind();  // a second pass, as the render makes
    float probe[64 * 16];
    reader.read(probe, 16);
  } catch (const io::IoError& e) {
    if (std::string(e.what()).empty()) std::abort();
    return 0;
  }
  // What renderFile refuses: rates outside the chain's range, non-finite samples, nothing read.
  if (rate < render::kMinSampleRate || rate > render::kMaxSampleRate || samples.empty()) return 0;
  for (float x : samples) {
    if (!std::isfinite(x)) return 0;
  }
  const auto& presets = bundledPresets();
  const Preset& preset = presets[size % presets.size()];
  MemorySource source(std::move(samples), rate, channels);
  render::MemoryFrameStore store;
  FiniteSink sink;
  render::runOfflineMix(source, preset.params, store, sink);
  if (sink.frames != source.frames()) std::abort();  // the delivery keeps the input's length
  return 0;
}
