// File glue for the reference match: libsndfile readers as FrameSources.
#include "render/match_file.h"

#include <filesystem>

#include "io/audio_file.h"

namespace vocalmix::render {

namespace {

class ReaderSource : public FrameSource {
 public:
  explicit ReaderSource(io::AudioReader& r) : reader_(r) {}
  int sampleRate() const override { return reader_.info().sampleRate; }
  int channels() const override { return reader_.info().channels; }
  int64_t frames() const override { return reader_.info().frames; }
  void rewind() override { reader_.rewind(); }
  int64_t read(float* interleaved, int64_t frames) override { return reader_.read(interleaved, frames); }

 private:
  io::AudioReader& reader_;
};

std::string nameOf(const std::string& path, const std::string& given) {
  return given.empty() ? std::filesystem::path(path).filename().string() : given;
}

}  // namespace

MatchResult matchFiles(const std::string& vocalPath, const std::string& referencePath,
                       const MatchAmounts& amounts, const std::string& vocalName,
                       const std::string& referenceName) {
  io::AudioReader vocalReader(vocalPath);
  io::AudioReader referenceReader(referencePath);
  ReaderSource vocal(vocalReader), reference(referenceReader);
  return matchReference(vocal, reference, amounts, nameOf(vocalPath, vocalName),
                        nameOf(referencePath, referenceName));
}

}  // namespace vocalmix::render
