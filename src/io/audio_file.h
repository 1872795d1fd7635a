// Audio files through libsndfile: a streaming reader (from a path or from bytes held in memory)
// and an atomic writer. Every error names the file and the problem, so a user who uploads the
// wrong thing is told what is wrong with it rather than seeing a crash or a bare errno.
//
// Reader: never loads a whole file; read() hands out interleaved float frames (integer formats
// are scaled so full scale is ±1.0, k / 2^(bits-1) exactly). Samples are passed through as the
// file holds them: NaN/Inf in a float file are NOT the reader's business — the render checks
// (QualityReport::hasNanOrInf) and refuses such input.
//
// Writer: writes "<path>.tmp-XXXXXXXX" in the destination directory and renames it over the
// final name only in commit(); destroyed without commit, it deletes the temp file. So a failed
// render never leaves a partial file under the final name. Integer formats are converted here,
// exactly (round(x · 2^(bits-1)), clamped — never wrapped), because libsndfile's own float→int
// path scales by 2^(bits-1)−1 and so cannot reproduce quantised samples bit for bit. Float WAVs
// are written without libsndfile's PEAK chunk, which carries a timestamp: the same samples
// always give the same bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct sf_private_tag;  // libsndfile's SNDFILE

namespace vocalmix::io {

// A file that cannot be read or written as asked. what() names the file and the problem.
struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Limits outside which a header is treated as corrupt rather than as an exotic file.
inline constexpr int kMaxChannels = 64;
inline constexpr int kMinSampleRate = 8000;
inline constexpr int kMaxSampleRate = 384000;

struct AudioInfo {
  int sampleRate = 0;
  int channels = 0;
  int64_t frames = 0;     // frames actually present (a truncated file reports what exists)
  std::string container;  // "WAV", "AIFF", "FLAC", "OGG", "MP3", …
  std::string encoding;   // "PCM 16-bit", "PCM 24-bit", "float 32-bit", "Vorbis", …
  double durationSeconds() const {
    return sampleRate > 0 ? static_cast<double>(frames) / sampleRate : 0.0;
  }
};

// Streaming reader. Truncated data (a header promising more than the file holds) is read up to
// what exists — info().frames already says how much that is; a read error reported by
// libsndfile in the middle of a file throws IoError.
class AudioReader {
 public:
  // Throws IoError: missing, a directory, unreadable, empty (0 bytes), not audio, no audio
  // (0 frames), or an absurd header (channels outside 1..64, rate outside 8000..384000 Hz).
  explicit AudioReader(const std::string& path);
  // Reads from bytes the reader owns (server uploads, WASM); `name` is used in messages.
  static AudioReader fromMemory(std::vector<uint8_t> bytes, std::string name);

  AudioReader(AudioReader&& other) noexcept;
  AudioReader& operator=(AudioReader&& other) noexcept;
  AudioReader(const AudioReader&) = delete;
  AudioReader& operator=(const AudioReader&) = delete;
  ~AudioReader();

  const AudioInfo& info() const { return info_; }
  const std::string& name() const { return name_; }
  // Reads up to `frames` frames into `interleaved` (frames × channels floats). Returns the
  // number read; 0 at the end.
  int64_t read(float* interleaved, int64_t frames);
  // Back to the first frame (a second analysis or render pass).
  void rewind();

 private:
  struct Memory;
  struct Input;  // a file read through a large buffer
  AudioReader() = default;
  void open();  // opens file_ (from name_ or memory_) and fills info_, or throws
  [[noreturn]] void fail(const std::string& problem) const;

  std::string name_;
  std::unique_ptr<Memory> memory_;  // declared before file_: must outlive it
  std::unique_ptr<Input> input_;    // the same
  sf_private_tag* file_ = nullptr;
  AudioInfo info_;
};

enum class OutputFormat { Wav16, Wav24, Wav32f, Flac };

// "wav16" | "wav24" | "wav32f" | "flac" (case-insensitive); throws IoError naming the bad value
// and listing the valid ones.
OutputFormat parseOutputFormat(const std::string& s);
std::string toString(OutputFormat f);
bool isIntegerFormat(OutputFormat f);
int bitDepth(OutputFormat f);  // 16, 24, 32 (float), 24 (FLAC)

class AudioWriter {
 public:
  // Creates the temp file next to `path`. Throws IoError naming the path when the directory
  // is missing or not writable, the path is a directory, or the format cannot hold the
  // channel count / rate.
  AudioWriter(const std::string& path, int sampleRate, int channels, OutputFormat fmt);
  AudioWriter(AudioWriter&& other) noexcept;
  AudioWriter& operator=(AudioWriter&& other) noexcept;
  AudioWriter(const AudioWriter&) = delete;
  AudioWriter& operator=(const AudioWriter&) = delete;
  // Without commit(): closes and deletes the temp file. Never throws.
  ~AudioWriter();

  // Interleaved frames in ±1.0 full scale. For integer formats the caller has already dithered
  // and quantised to k / 2^(bits-1); anything beyond full scale is clipped, never wrapped.
  void write(const float* interleaved, int64_t frames);
  // Integer formats only: interleaved frames as libsndfile's sf_writef_int takes them, full
  // scale ±2^31, so the word's code k (the sample k / 2^(bits-1)) is k << (32 - bits) and the
  // file keeps the top `bits` bits. For samples already quantised this gives the bytes write()
  // gives for k / 2^(bits-1), without the round trip through float and back.
  void writeInt(const int32_t* interleaved, int64_t frames);
  // Finishes the file (header, flush, fsync) and renames it to the final path.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& tempPath() const { return tempPath_; }

 private:
  void discard() noexcept;
  [[noreturn]] void fail(const std::string& problem);
  [[noreturn]] void failWrite();

  struct Output;  // the temp file behind libsndfile's virtual I/O, buffered

  std::string path_;
  std::string tempPath_;
  OutputFormat format_ = OutputFormat::Wav24;
  int channels_ = 0;
  int fd_ = -1;
  std::unique_ptr<Output> out_;  // declared before file_: must outlive it
  sf_private_tag* file_ = nullptr;
  bool committed_ = false;
  std::vector<int32_t> intBuffer_;
};

}  // namespace vocalmix::io
