// FileSource — a libsndfile reader as the offline mix's FrameSource (the file side of render
// and match; the mix itself knows no files).
#pragma once

#include "io/audio_file.h"
#include "render/offline_mix.h"

namespace vocalmix::render {

class FileSource : public FrameSource {
 public:
  explicit FileSource(io::AudioReader& r) : reader_(r) {}
  int sampleRate() const override { return reader_.info().sampleRate; }
  int channels() const override { return reader_.info().channels; }
  int64_t frames() const override { return reader_.info().frames; }
  void rewind() override { reader_.rewind(); }
  int64_t read(float* interleaved, int64_t frames) override { return reader_.read(interleaved, frames); }

 private:
  io::AudioReader& reader_;
};

}  // namespace vocalmix::render
