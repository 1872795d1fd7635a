// libsndfile glue: reader (path or memory), atomic writer, output format names.
#include "io/audio_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>
#include <utility>

namespace vocalmix::io {

namespace fs = std::filesystem;

namespace {

std::string containerName(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX: return "WAV";
    case SF_FORMAT_RF64: return "RF64";
    case SF_FORMAT_W64: return "W64";
    case SF_FORMAT_AIFF: return "AIFF";
    case SF_FORMAT_AU: return "AU";
    case SF_FORMAT_CAF: return "CAF";
    case SF_FORMAT_FLAC: return "FLAC";
    case SF_FORMAT_OGG: return "OGG";
    case SF_FORMAT_MPEG: return "MP3";
    default: break;
  }
  SF_FORMAT_INFO fi{};
  fi.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof fi) == 0 && fi.name) return fi.name;
  return "unknown";
}

std::string encodingName(int format) {
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: return "PCM 8-bit";
    case SF_FORMAT_PCM_U8: return "PCM 8-bit unsigned";
    case SF_FORMAT_PCM_16: return "PCM 16-bit";
    case SF_FORMAT_PCM_24: return "PCM 24-bit";
    case SF_FORMAT_PCM_32: return "PCM 32-bit";
    case SF_FORMAT_FLOAT: return "float 32-bit";
    case SF_FORMAT_DOUBLE: return "float 64-bit";
    case SF_FORMAT_ULAW: return "u-law";
    case SF_FORMAT_ALAW: return "A-law";
    case SF_FORMAT_VORBIS: return "Vorbis";
    case SF_FORMAT_OPUS: return "Opus";
    case SF_FORMAT_MPEG_LAYER_III: return "MP3";
    default: break;
  }
  SF_FORMAT_INFO fi{};
  fi.format = format & SF_FORMAT_SUBMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof fi) == 0 && fi.name) return fi.name;
  return "unknown";
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Reader

// Bytes owned by the reader, served to libsndfile through its virtual I/O callbacks. Held by
// pointer so the address libsndfile keeps stays valid when the reader is moved.
struct AudioReader::Memory {
  std::vector<uint8_t> bytes;
  sf_count_t pos = 0;

  static sf_count_t length(void* self) {
    return static_cast<sf_count_t>(static_cast<Memory*>(self)->bytes.size());
  }
  static sf_count_t seek(sf_count_t offset, int whence, void* self) {
    auto* m = static_cast<Memory*>(self);
    const auto size = static_cast<sf_count_t>(m->bytes.size());
    sf_count_t target = offset;
    if (whence == SEEK_CUR) target = m->pos + offset;
    if (whence == SEEK_END) target = size + offset;
    if (target < 0) return -1;
    m->pos = std::min(target, size);
    return m->pos;
  }
  static sf_count_t read(void* dst, sf_count_t count, void* self) {
    auto* m = static_cast<Memory*>(self);
    const auto size = static_cast<sf_count_t>(m->bytes.size());
    const sf_count_t n = std::max<sf_count_t>(0, std::min(count, size - m->pos));
    if (n > 0) std::memcpy(dst, m->bytes.data() + m->pos, static_cast<size_t>(n));
    m->pos += n;
    return n;
  }
  static sf_count_t write(const void*, sf_count_t, void*) { return 0; }
  static sf_count_t tell(void* self) { return static_cast<Memory*>(self)->pos; }
};

// A file served to libsndfile from a 1 MiB buffer: its own reads are about 8 KB (and a few
// bytes between them for 24-bit audio), a system call each; this reads a MiB at a time.
struct AudioReader::Input {
  static constexpr size_t kBuffer = size_t{1} << 20;

  Input(int fd, sf_count_t size) : fd(fd), size(size), buffer(kBuffer) {}
  ~Input() { ::close(fd); }
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  static sf_count_t length(void* self) { return static_cast<Input*>(self)->size; }
  static sf_count_t tell(void* self) { return static_cast<Input*>(self)->pos; }
  static sf_count_t seek(sf_count_t offset, int whence, void* self) {
    auto* in = static_cast<Input*>(self);
    const sf_count_t base = whence == SEEK_CUR ? in->pos : whence == SEEK_END ? in->size : 0;
    if (base + offset < 0) return -1;
    in->pos = std::min(base + offset, in->size);
    return in->pos;
  }
  static sf_count_t read(void* dst, sf_count_t count, void* self) {
    auto* in = static_cast<Input*>(self);
    auto* out = static_cast<char*>(dst);
    sf_count_t done = 0;
    while (done < count && in->pos < in->size) {
      if (in->pos < in->start || in->pos >= in->start + in->filled) {  // outside the buffer
        ssize_t n;
        do {
          n = ::pread(in->fd, in->buffer.data(), in->buffer.size(), in->pos);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) break;  // an I/O error or a file that shrank: a short read
        in->start = in->pos;
        in->filled = n;
      }
      const sf_count_t n = std::min(count - done, in->start + in->filled - in->pos);
      std::memcpy(out + done, in->buffer.data() + (in->pos - in->start), static_cast<size_t>(n));
      done += n;
      in->pos += n;
    }
    return done;
  }
  static sf_count_t write(const void*, sf_count_t, void*) { return 0; }

  int fd;
  sf_count_t size;
  std::vector<char> buffer;
  sf_count_t start = 0, filled = 0;  // the file's bytes [start, start + filled) are buffered
  sf_count_t pos = 0;
};

AudioReader::AudioReader(const std::string& path) : name_(path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) fail("file does not exist");
  if (fs::is_directory(st)) fail("is a directory, not an audio file");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(std::string("cannot be opened for reading: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    if (info.st_size == 0) {
      ::close(fd);
      fail("file is empty (0 bytes)");
    }
    input_ = std::make_unique<Input>(fd, static_cast<sf_count_t>(info.st_size));
  } else {
    ::close(fd);  // a pipe or device: libsndfile reads it itself, unbuffered
  }
  open();
}

AudioReader AudioReader::fromMemory(std::vector<uint8_t> bytes, std::string name) {
  AudioReader r;
  r.name_ = std::move(name);
  if (bytes.empty()) r.fail("upload is empty (0 bytes)");
  r.memory_ = std::make_unique<Memory>();
  r.memory_->bytes = std::move(bytes);
  r.open();
  return r;
}

void AudioReader::open() {
  SF_INFO sfi{};
  SNDFILE* f = nullptr;
  if (memory_) {
    SF_VIRTUAL_IO vio{&Memory::length, &Memory::seek, &Memory::read, &Memory::write,
                      &Memory::tell};
    f = sf_open_virtual(&vio, SFM_READ, &sfi, memory_.get());
  } else if (input_) {
    SF_VIRTUAL_IO vio{&Input::length, &Input::seek, &Input::read, &Input::write, &Input::tell};
    f = sf_open_virtual(&vio, SFM_READ, &sfi, input_.get());
  } else {
    f = sf_open(name_.c_str(), SFM_READ, &sfi);
  }
  if (!f) {
    fail(std::string("not a readable audio file (libsndfile: ") + sf_strerror(nullptr) + ")");
  }
  std::string problem;
  if (sfi.channels < 1 || sfi.channels > kMaxChannels) {
    problem = "corrupt or unsupported header: " + std::to_string(sfi.channels) +
              " channels (supported: 1.." + std::to_string(kMaxChannels) + ")";
  } else if (sfi.samplerate < kMinSampleRate || sfi.samplerate > kMaxSampleRate) {
    problem = "corrupt or unsupported header: sample rate " + std::to_string(sfi.samplerate) +
              " Hz (supported: " + std::to_string(kMinSampleRate) + ".." +
              std::to_string(kMaxSampleRate) + " Hz)";
  } else if (sfi.frames <= 0) {
    problem = "contains no audio (0 frames)";
  }
  if (!problem.empty()) {
    sf_close(f);
    fail(problem);
  }
  file_ = f;
  // Integer files read as floats scaled by 1/2^(bits-1): k/32768 exactly for 16-bit.
  sf_command(file_, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
  info_.sampleRate = sfi.samplerate;
  info_.channels = sfi.channels;
  info_.frames = sfi.frames;
  info_.container = containerName(sfi.format);
  info_.encoding = encodingName(sfi.format);
}

void AudioReader::fail(const std::string& problem) const {
  throw IoError("audio file '" + name_ + "': " + problem);
}

AudioReader::AudioReader(AudioReader&& other) noexcept
    : name_(std::move(other.name_)),
      memory_(std::move(other.memory_)),
      input_(std::move(other.input_)),
      file_(std::exchange(other.file_, nullptr)),
      info_(std::move(other.info_)) {}

AudioReader& AudioReader::operator=(AudioReader&& other) noexcept {
  if (this != &other) {
    if (file_) sf_close(file_);  // before the memory it may read from goes away
    file_ = std::exchange(other.file_, nullptr);
    memory_ = std::move(other.memory_);
    input_ = std::move(other.input_);
    name_ = std::move(other.name_);
    info_ = std::move(other.info_);
  }
  return *this;
}

AudioReader::~AudioReader() {
  if (file_) sf_close(file_);
}

int64_t AudioReader::read(float* interleaved, int64_t frames) {
  if (!file_) fail("reader has been moved from");
  if (frames <= 0) return 0;
  const sf_count_t got = sf_readf_float(file_, interleaved, frames);
  if (got < frames && sf_error(file_) != SF_ERR_NO_ERROR) {
    fail(std::string("read error: ") + sf_strerror(file_));
  }
  return got;
}

void AudioReader::rewind() {
  if (!file_) fail("reader has been moved from");
  if (sf_seek(file_, 0, SEEK_SET) < 0) {
    fail(std::string("cannot seek back to the start: ") + sf_strerror(file_));
  }
}

// ---------------------------------------------------------------------------------------------
// Output formats

OutputFormat parseOutputFormat(const std::string& s) {
  const std::string v = lower(s);
  if (v == "wav16") return OutputFormat::Wav16;
  if (v == "wav24") return OutputFormat::Wav24;
  if (v == "wav32f") return OutputFormat::Wav32f;
  if (v == "flac") return OutputFormat::Flac;
  throw IoError("unknown output format '" + s + "'; valid formats: wav16, wav24, wav32f, flac");
}

std::string toString(OutputFormat f) {
  switch (f) {
    case OutputFormat::Wav16: return "wav16";
    case OutputFormat::Wav24: return "wav24";
    case OutputFormat::Wav32f: return "wav32f";
    case OutputFormat::Flac: return "flac";
  }
  return "wav24";
}

bool isIntegerFormat(OutputFormat f) { return f != OutputFormat::Wav32f; }

int bitDepth(OutputFormat f) {
  switch (f) {
    case OutputFormat::Wav16: return 16;
    case OutputFormat::Wav24: return 24;
    case OutputFormat::Wav32f: return 32;
    case OutputFormat::Flac: return 24;
  }
  return 24;
}

// ---------------------------------------------------------------------------------------------
// Writer

namespace {

int sndfileFormat(OutputFormat f) {
  switch (f) {
    case OutputFormat::Wav16: return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case OutputFormat::Wav24: return SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    case OutputFormat::Wav32f: return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    case OutputFormat::Flac: return SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
  }
  return SF_FORMAT_WAV | SF_FORMAT_PCM_24;
}

// 1.5 · 2^52: (v + it) − it is std::nearbyint(v) in the default rounding mode for |v| < 2^51,
// without the library call. The sum lies between 2^52 and 2^53, where the doubles are exactly
// the integers, so the addition does the rounding; the constant is even, so ties still go to
// the even integer. (Exact because the build never contracts or reassociates: no fast-math.)
constexpr double kRoundToInteger = 6755399441055744.0;

}  // namespace

// The temp file behind libsndfile's virtual I/O. libsndfile writes in pieces of about 8 KB that
// do not line up with pages, and the kernel zeroes a new page before a partial write into it;
// buffering whole MiBs (written at their offsets with pwrite) avoids that, and is a thousand
// calls fewer per GB. Each written MiB is also handed to writeback at once (Linux), so commit's
// fsync finds little left to wait for. Seeks (the header is rewritten at the end) flush first.
struct AudioWriter::Output {
  static constexpr size_t kBuffer = size_t{1} << 20;

  explicit Output(int fd) : fd(fd), buffer(kBuffer) {}

  // Writes what is buffered; false (errno kept in error) when the file system refuses.
  bool flush() {
    size_t done = 0;
    while (done < used) {
      const ssize_t n = ::pwrite(fd, buffer.data() + done, used - done, start + static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error = n < 0 ? errno : ENOSPC;
        return false;
      }
      done += static_cast<size_t>(n);
    }
#if defined(__linux__)
    if (used > 0) ::sync_file_range(fd, start, static_cast<off_t>(used), SYNC_FILE_RANGE_WRITE);
#endif
    start += static_cast<off_t>(used);
    used = 0;
    return true;
  }

  static sf_count_t length(void* self) { return static_cast<Output*>(self)->size; }
  static sf_count_t tell(void* self) { return static_cast<Output*>(self)->pos; }
  static sf_count_t seek(sf_count_t offset, int whence, void* self) {
    auto* o = static_cast<Output*>(self);
    const sf_count_t base = whence == SEEK_CUR ? o->pos : whence == SEEK_END ? o->size : 0;
    if (base + offset >= 0) o->pos = base + offset;
    return o->pos;
  }
  static sf_count_t write(const void* src, sf_count_t count, void* self) {
    auto* o = static_cast<Output*>(self);
    if (count <= 0) return 0;
    const auto n = static_cast<size_t>(count);
    // Appends to the buffer when it continues it and fits; otherwise starts a new one here.
    if (o->pos != o->start + static_cast<off_t>(o->used) || o->used + n > o->buffer.size()) {
      if (!o->flush()) return 0;
      o->start = o->pos;
    }
    if (n > o->buffer.size()) {  // larger than the buffer: straight through
      o->used = 0;
      size_t done = 0;
      while (done < n) {
        const ssize_t w = ::pwrite(o->fd, static_cast<const char*>(src) + done, n - done, o->pos + static_cast<off_t>(done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          o->error = w < 0 ? errno : ENOSPC;
          return static_cast<sf_count_t>(done);
        }
        done += static_cast<size_t>(w);
      }
      o->start = o->pos + count;
    } else {
      std::memcpy(o->buffer.data() + o->used, src, n);
      o->used += n;
    }
    o->pos += count;
    o->size = std::max(o->size, o->pos);
    return count;
  }
  static sf_count_t read(void* dst, sf_count_t count, void* self) {
    auto* o = static_cast<Output*>(self);
    if (!o->flush()) return 0;
    o->start = o->pos;
    const ssize_t n = count > 0 ? ::pread(o->fd, dst, static_cast<size_t>(count), o->pos) : 0;
    if (n <= 0) return 0;
    o->pos += n;
    o->start = o->pos;
    return n;
  }

  int fd;
  std::vector<char> buffer;
  off_t start = 0;  // file offset of buffer[0]
  size_t used = 0;  // bytes buffered
  sf_count_t pos = 0, size = 0;
  int error = 0;    // errno of the first failed write
};

namespace {

std::string randomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          static_cast<uint64_t>(::getpid()) << 32};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return buf;
}

}  // namespace

AudioWriter::AudioWriter(const std::string& path, int sampleRate, int channels,
                         OutputFormat fmt)
    : path_(path), format_(fmt), channels_(channels) {
  if (channels < 1 || channels > kMaxChannels) {
    fail("unsupported channel count " + std::to_string(channels));
  }
  if (sampleRate < kMinSampleRate || sampleRate > kMaxSampleRate) {
    fail("unsupported sample rate " + std::to_string(sampleRate) + " Hz");
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail("the path is a directory");
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const fs::file_status dirStatus = fs::status(dir, ec);
  if (!fs::exists(dirStatus)) fail("directory '" + dir.string() + "' does not exist");
  if (!fs::is_directory(dirStatus)) fail("'" + dir.string() + "' is not a directory");

  for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
    tempPath_ = path + ".tmp-" + randomSuffix();
    fd_ = ::open(tempPath_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0 && errno != EEXIST) {
      const std::string why = std::strerror(errno);
      tempPath_.clear();
      fail("cannot create a file in directory '" + dir.string() + "': " + why);
    }
  }
  if (fd_ < 0) {
    tempPath_.clear();
    fail("cannot find a free temporary file name in '" + dir.string() + "'");
  }

  SF_INFO sfi{};
  sfi.samplerate = sampleRate;
  sfi.channels = channels;
  sfi.format = sndfileFormat(fmt);
  if (!sf_format_check(&sfi)) {
    fail("format " + toString(fmt) + " cannot hold " + std::to_string(channels) +
         " channels at " + std::to_string(sampleRate) + " Hz");
  }
  out_ = std::make_unique<Output>(fd_);
  SF_VIRTUAL_IO vio{&Output::length, &Output::seek, &Output::read, &Output::write, &Output::tell};
  file_ = sf_open_virtual(&vio, SFM_WRITE, &sfi, out_.get());
  if (!file_) fail(std::string("libsndfile: ") + sf_strerror(nullptr));
  // Belt and braces: our own conversion already clamps; never let libsndfile wrap.
  sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  // The PEAK chunk holds a timestamp; without it, equal samples give equal bytes.
  sf_command(file_, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
}

AudioWriter::AudioWriter(AudioWriter&& o) noexcept
    : path_(std::move(o.path_)),
      tempPath_(std::move(o.tempPath_)),
      format_(o.format_),
      channels_(o.channels_),
      fd_(std::exchange(o.fd_, -1)),
      out_(std::move(o.out_)),
      file_(std::exchange(o.file_, nullptr)),
      committed_(o.committed_),
      intBuffer_(std::move(o.intBuffer_)) {
  o.tempPath_.clear();
}

AudioWriter& AudioWriter::operator=(AudioWriter&& o) noexcept {
  if (this != &o) {
    if (!committed_) discard();
    path_ = std::move(o.path_);
    tempPath_ = std::exchange(o.tempPath_, std::string());
    format_ = o.format_;
    channels_ = o.channels_;
    fd_ = std::exchange(o.fd_, -1);
    out_ = std::move(o.out_);
    file_ = std::exchange(o.file_, nullptr);
    committed_ = o.committed_;
    intBuffer_ = std::move(o.intBuffer_);
  }
  return *this;
}

AudioWriter::~AudioWriter() {
  if (!committed_) discard();
}

void AudioWriter::discard() noexcept {
  if (file_) sf_close(file_);
  file_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!tempPath_.empty()) ::unlink(tempPath_.c_str());
  tempPath_.clear();
}

// A write the file system refused (disk full, quota, I/O error): its own words when we have
// them, libsndfile's otherwise.
void AudioWriter::failWrite() {
  const int error = out_ ? out_->error : 0;
  fail(std::string("write failed: ") + (error != 0 ? std::strerror(error) : file_ ? sf_strerror(file_) : "unknown error"));
}

void AudioWriter::fail(const std::string& problem) {
  discard();
  throw IoError("cannot write '" + path_ + "': " + problem);
}

void AudioWriter::write(const float* interleaved, int64_t frames) {
  if (committed_ || !file_) fail("write after commit (or on a moved-from writer)");
  if (frames <= 0) return;
  if (!isIntegerFormat(format_)) {
    if (sf_writef_float(file_, interleaved, frames) != frames) {
      failWrite();
    }
    return;
  }
  // Exact conversion: x · 2^(bits-1) is exact in double, rounding is IEEE round-to-nearest
  // (ties to even), NaN becomes 0 and the result is clamped to the word's range. libsndfile
  // takes int32 left-justified.
  const int bits = bitDepth(format_);
  const double scale = static_cast<double>(int64_t{1} << (bits - 1));
  const double lo = -scale, hi = scale - 1.0;
  const int shift = 32 - bits;
  const int64_t channels = channels_;
  constexpr int64_t kChunk = 4096;
  intBuffer_.resize(static_cast<size_t>(kChunk) * channels);
  int32_t* const dst = intBuffer_.data();
  for (int64_t done = 0; done < frames;) {
    const int64_t n = std::min(kChunk, frames - done);
    const float* src = interleaved + done * channels;
    for (int64_t i = 0; i < n * channels; ++i) {
      double v = static_cast<double>(src[i]) * scale;
      // Clamped before rounding, which gives what clamping after would (rounding is monotone
      // and keeps the integer limits) and leaves |v| <= 2^23 for the inline rounding.
      v = std::isnan(v) ? 0.0 : (v < lo ? lo : (v > hi ? hi : v));
      v = (v + kRoundToInteger) - kRoundToInteger;
      dst[i] = static_cast<int32_t>(v) << shift;
    }
    if (sf_writef_int(file_, dst, n) != n) {
      failWrite();
    }
    done += n;
  }
}

void AudioWriter::writeInt(const int32_t* interleaved, int64_t frames) {
  if (committed_ || !file_) fail("write after commit (or on a moved-from writer)");
  if (!isIntegerFormat(format_)) fail("integer samples for the float format " + toString(format_));
  if (frames <= 0) return;
  if (sf_writef_int(file_, interleaved, frames) != frames) {
    failWrite();
  }
}

void AudioWriter::commit() {
  if (committed_ || !file_) fail("commit called twice (or on a moved-from writer)");
  const int err = sf_close(file_);
  file_ = nullptr;
  if (out_->error != 0 || !out_->flush()) failWrite();
  if (err != 0) fail(std::string("closing failed: ") + sf_error_number(err));
  if (::fsync(fd_) != 0 && errno != EINVAL) {
    fail(std::string("flushing to disk failed: ") + std::strerror(errno));
  }
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) fail(std::string("closing failed: ") + std::strerror(errno));
  if (std::rename(tempPath_.c_str(), path_.c_str()) != 0) {
    fail(std::string("cannot rename the finished temp file into place: ") +
         std::strerror(errno));
  }
  tempPath_.clear();
  committed_ = true;
}

}  // namespace vocalmix::io
