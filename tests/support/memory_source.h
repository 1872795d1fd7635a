// MemorySource — interleaved float frames held by the caller, as the offline mix's FrameSource
// (what the WASM bindings read from an upload in memory). The vector must outlive the source.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "render/offline_mix.h"

namespace vocalmix::testing {

class MemorySource : public render::FrameSource {
 public:
  MemorySource(const std::vector<float>& data, int channels, int rate)
      : data_(data), channels_(channels), rate_(rate) {}
  int sampleRate() const override { return rate_; }
  int channels() const override { return channels_; }
  int64_t frames() const override { return static_cast<int64_t>(data_.size()) / channels_; }
  void rewind() override { pos_ = 0; }
  int64_t read(float* out, int64_t frames) override {
    const int64_t n = std::min(frames, this->frames() - pos_);
    std::copy_n(data_.begin() + pos_ * channels_, n * channels_, out);
    pos_ += n;
    return n;
  }

 private:
  const std::vector<float>& data_;
  int channels_, rate_;
  int64_t pos_ = 0;
};

}  // namespace vocalmix::testing
