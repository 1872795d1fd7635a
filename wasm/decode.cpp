// libsndfile over bytes in memory (virtual I/O). Mirrors the native reader's checks and its
// float conversion (SFC_SET_NORM_FLOAT: integer samples scaled by 1/2^(bits-1), exactly).
#include "decode.h"

#include <sndfile.h>

#include <algorithm>
#include <cstring>

namespace vocalmix::wasm {
namespace {

constexpr int kMaxChannels = 64;
constexpr int kMinSampleRate = 8000;
constexpr int kMaxSampleRate = 384000;
constexpr sf_count_t kChunkFrames = 4096;

struct MemoryFile {
  const uint8_t* data;
  sf_count_t size;
  sf_count_t pos = 0;

  static sf_count_t length(void* self) { return static_cast<MemoryFile*>(self)->size; }
  static sf_count_t seek(sf_count_t offset, int whence, void* self) {
    auto* m = static_cast<MemoryFile*>(self);
    sf_count_t target = offset;
    if (whence == SEEK_CUR) target = m->pos + offset;
    if (whence == SEEK_END) target = m->size + offset;
    if (target < 0) return -1;
    m->pos = std::min(target, m->size);
    return m->pos;
  }
  static sf_count_t read(void* dst, sf_count_t count, void* self) {
    auto* m = static_cast<MemoryFile*>(self);
    const sf_count_t n = std::max<sf_count_t>(0, std::min(count, m->size - m->pos));
    if (n > 0) std::memcpy(dst, m->data + m->pos, static_cast<size_t>(n));
    m->pos += n;
    return n;
  }
  static sf_count_t write(const void*, sf_count_t, void*) { return 0; }
  static sf_count_t tell(void* self) { return static_cast<MemoryFile*>(self)->pos; }
};

std::string formatName(int format, int mask) {
  SF_FORMAT_INFO fi{};
  fi.format = format & mask;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof fi) == 0 && fi.name) return fi.name;
  return "unknown";
}

// Closes the file on every path out of decodeAudio.
struct SndfileCloser {
  SNDFILE* f;
  ~SndfileCloser() {
    if (f) sf_close(f);
  }
};

}  // namespace

DecodedAudio decodeAudio(const uint8_t* bytes, size_t size, const std::string& name) {
  auto fail = [&](const std::string& problem) -> DecodeError {
    return DecodeError("audio file '" + name + "': " + problem);
  };
  if (size == 0) throw fail("upload is empty (0 bytes)");

  MemoryFile mem{bytes, static_cast<sf_count_t>(size)};
  SF_VIRTUAL_IO vio{&MemoryFile::length, &MemoryFile::seek, &MemoryFile::read,
                    &MemoryFile::write, &MemoryFile::tell};
  SF_INFO sfi{};
  SndfileCloser file{sf_open_virtual(&vio, SFM_READ, &sfi, &mem)};
  if (!file.f) {
    throw fail(std::string("not a readable audio file (libsndfile: ") + sf_strerror(nullptr) +
               "); this build reads WAV, AIFF, CAF, W64, RF64 and other uncompressed formats");
  }
  if (sfi.channels < 1 || sfi.channels > kMaxChannels) {
    throw fail("corrupt or unsupported header: " + std::to_string(sfi.channels) +
               " channels (supported: 1.." + std::to_string(kMaxChannels) + ")");
  }
  if (sfi.samplerate < kMinSampleRate || sfi.samplerate > kMaxSampleRate) {
    throw fail("corrupt or unsupported header: sample rate " + std::to_string(sfi.samplerate) +
               " Hz (supported: " + std::to_string(kMinSampleRate) + ".." +
               std::to_string(kMaxSampleRate) + " Hz)");
  }
  if (sfi.frames <= 0) throw fail("contains no audio (0 frames)");
  sf_command(file.f, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);

  DecodedAudio out;
  out.sampleRate = sfi.samplerate;
  out.channels = sfi.channels;
  out.container = formatName(sfi.format, SF_FORMAT_TYPEMASK);
  out.encoding = formatName(sfi.format, SF_FORMAT_SUBMASK);
  const int ch = sfi.channels;
  out.left.reserve(static_cast<size_t>(sfi.frames));
  out.right.reserve(static_cast<size_t>(sfi.frames));
  std::vector<float> chunk(static_cast<size_t>(kChunkFrames) * ch);
  for (;;) {
    const sf_count_t got = sf_readf_float(file.f, chunk.data(), kChunkFrames);
    if (got < kChunkFrames && sf_error(file.f) != SF_ERR_NO_ERROR) {
      throw fail(std::string("read error: ") + sf_strerror(file.f));
    }
    for (sf_count_t i = 0; i < got; ++i) {
      const float* f = &chunk[static_cast<size_t>(i) * ch];
      if (ch == 1) {
        out.left.push_back(f[0]);
        out.right.push_back(f[0]);
      } else if (ch == 2) {
        out.left.push_back(f[0]);
        out.right.push_back(f[1]);
      } else {
        double sum = 0.0;
        for (int c = 0; c < ch; ++c) sum += f[c];
        const float mean = static_cast<float>(sum / ch);
        out.left.push_back(mean);
        out.right.push_back(mean);
      }
    }
    if (got < kChunkFrames) break;
  }
  out.frames = static_cast<int64_t>(out.left.size());
  if (out.frames == 0) throw fail("contains no audio (0 frames)");
  return out;
}

}  // namespace vocalmix::wasm
