// Decoding an upload held in memory with libsndfile (the same library, the same version and the
// same float conversion as the native src/io reader), without a filesystem: sf_open_virtual
// over the bytes. Used by the WASM bindings; no DSP here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace vocalmix::wasm {

struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DecodedAudio {
  int sampleRate = 0;
  int channels = 0;  // as stored in the file
  int64_t frames = 0;
  std::string container, encoding;
  // The chain's view of the file, exactly as the native render's reader feeds it: mono →
  // left = right = the channel; stereo → left, right; more channels → left = right = their
  // mean (computed in double, as src/render/offline_mix.cpp folds them).
  std::vector<float> left, right;
};

// Same limits as the native reader (src/io/audio_file.h): 1..64 channels, 8000..384000 Hz,
// at least one frame. Throws DecodeError naming `name` and the problem.
DecodedAudio decodeAudio(const uint8_t* bytes, size_t size, const std::string& name);

}  // namespace vocalmix::wasm
