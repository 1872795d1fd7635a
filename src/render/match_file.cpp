// File glue for the reference match: libsndfile readers as FrameSources.
#include "render/match_file.h"

#include <filesystem>

#include "io/audio_file.h"
#include "render/file_source.h"

namespace vocalmix::render {

namespace {

std::string nameOf(const std::string& path, const std::string& given) {
  return given.empty() ? std::filesystem::path(path).filename().string() : given;
}

}  // namespace

MatchResult matchFiles(const std::string& vocalPath, const std::string& referencePath,
                       const MatchAmounts& amounts, const std::string& vocalName,
                       const std::string& referenceName) {
  io::AudioReader vocalReader(vocalPath);
  io::AudioReader referenceReader(referencePath);
  FileSource vocal(vocalReader), reference(referenceReader);
  return matchReference(vocal, reference, amounts, nameOf(vocalPath, vocalName),
                        nameOf(referencePath, referenceName));
}

}  // namespace vocalmix::render
