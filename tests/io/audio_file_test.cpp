// AudioReader / AudioWriter: round trips for every output format, and a clear IoError (naming
// the file) for every kind of bad input. Reference for the round trips: the samples written;
// tolerances are stated per format (integer formats hold quantised data exactly).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "io/audio_file.h"
#include "support/scratch_files.h"

namespace fs = std::filesystem;
using namespace vocalmix::io;

namespace {

// A fresh, empty directory per test under the build tree's test-tmp.
fs::path scratchDir(const std::string& name) { return vocalmix::testing::scratchDir("io", name); }

std::vector<uint8_t> readBytes(const fs::path& p) { return vocalmix::testing::fileBytes(p); }

void writeBytes(const fs::path& p, const std::vector<uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Noise-like test programme in (−1, 1), optionally quantised to k / 2^(bits-1).
std::vector<float> programme(int64_t frames, int channels, int quantiseBits = 0,
                             unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-0.99, 0.99);
  std::vector<float> v(static_cast<size_t>(frames * channels));
  const double scale = quantiseBits ? std::ldexp(1.0, quantiseBits - 1) : 1.0;
  for (float& x : v) {
    const double s = u(rng);
    x = static_cast<float>(quantiseBits ? std::round(s * scale) / scale : s);
  }
  return v;
}

std::vector<float> readAll(AudioReader& r, int64_t block = 1000) {
  std::vector<float> out;
  std::vector<float> buf(static_cast<size_t>(block * r.info().channels));
  for (int64_t n; (n = r.read(buf.data(), block)) > 0;) {
    out.insert(out.end(), buf.begin(), buf.begin() + n * r.info().channels);
  }
  return out;
}

void writeFile(const fs::path& p, const std::vector<float>& v, int rate, int channels,
               OutputFormat fmt) {
  AudioWriter w(p.string(), rate, channels, fmt);
  const int64_t frames = static_cast<int64_t>(v.size()) / channels;
  for (int64_t done = 0; done < frames; done += 777) {  // odd blocks
    w.write(v.data() + done * channels, std::min<int64_t>(777, frames - done));
  }
  w.commit();
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0.0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(double(a[i]) - double(b[i])));
  return m;
}

// A 44-byte PCM WAV header with arbitrary fields (for corrupt-header cases).
std::vector<uint8_t> wavHeader(uint16_t channels, uint32_t rate, uint32_t dataBytes) {
  std::vector<uint8_t> h;
  const auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) h.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  const auto u16 = [&](uint16_t v) {
    h.push_back(static_cast<uint8_t>(v));
    h.push_back(static_cast<uint8_t>(v >> 8));
  };
  const auto tag = [&](const char* t) {
    for (int i = 0; i < 4; ++i) h.push_back(static_cast<uint8_t>(t[i]));
  };
  tag("RIFF"); u32(36 + dataBytes); tag("WAVE");
  tag("fmt "); u32(16); u16(1); u16(channels); u32(rate);
  u32(rate * channels * 2); u16(static_cast<uint16_t>(channels * 2)); u16(16);
  tag("data"); u32(dataBytes);
  return h;
}

// Expects an IoError whose message names `name` and contains `problem`.
template <typename F>
void requireIoError(F&& f, const std::string& name, const std::string& problem) {
  try {
    f();
    FAIL("no IoError for " << name);
  } catch (const IoError& e) {
    const std::string msg = e.what();
    CAPTURE(msg);
    CHECK(msg.find(name) != std::string::npos);
    CHECK(msg.find(problem) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("Round trip: wav16 holds 16-bit data exactly and anything else within 1 LSB",
          "[io]") {
  const auto dir = scratchDir("wav16");
  const auto quantised = programme(10000, 2, 16);
  writeFile(dir / "q.wav", quantised, 48000, 2, OutputFormat::Wav16);
  AudioReader r((dir / "q.wav").string());
  CHECK(r.info().sampleRate == 48000);
  CHECK(r.info().channels == 2);
  CHECK(r.info().frames == 10000);
  CHECK(r.info().container == "WAV");
  CHECK(r.info().encoding == "PCM 16-bit");
  CHECK(maxAbsDiff(readAll(r), quantised) == 0.0);

  const auto raw = programme(5000, 1);
  writeFile(dir / "raw.wav", raw, 44100, 1, OutputFormat::Wav16);
  AudioReader r2((dir / "raw.wav").string());
  CHECK(r2.info().sampleRate == 44100);
  CHECK(maxAbsDiff(readAll(r2), raw) <= 1.0 / 32768.0);
}

TEST_CASE("Round trip: wav24 holds 24-bit data exactly and anything else within 1 LSB",
          "[io]") {
  const auto dir = scratchDir("wav24");
  const auto quantised = programme(10000, 3, 24);
  writeFile(dir / "q.wav", quantised, 96000, 3, OutputFormat::Wav24);
  AudioReader r((dir / "q.wav").string());
  CHECK(r.info().sampleRate == 96000);
  CHECK(r.info().channels == 3);
  CHECK(r.info().encoding == "PCM 24-bit");
  CHECK(maxAbsDiff(readAll(r), quantised) == 0.0);

  const auto raw = programme(5000, 2);
  writeFile(dir / "raw.wav", raw, 48000, 2, OutputFormat::Wav24);
  AudioReader r2((dir / "raw.wav").string());
  CHECK(maxAbsDiff(readAll(r2), raw) <= 1.0 / 8388608.0);
}

TEST_CASE("Round trip: wav32f is exact, including values beyond full scale", "[io]") {
  const auto dir = scratchDir("wav32f");
  auto v = programme(10000, 2);
  v[10] = 1.75f;
  v[11] = -3.0f;
  writeFile(dir / "f.wav", v, 22050, 2, OutputFormat::Wav32f);
  AudioReader r((dir / "f.wav").string());
  CHECK(r.info().sampleRate == 22050);
  CHECK(r.info().encoding == "float 32-bit");
  CHECK(readAll(r) == v);
}

TEST_CASE("Round trip: FLAC is lossless for 16- and 24-bit data", "[io]") {
  const auto dir = scratchDir("flac");
  for (int bits : {16, 24}) {
    CAPTURE(bits);
    const auto v = programme(20000, 2, bits, static_cast<unsigned>(bits));
    const auto p = dir / ("x" + std::to_string(bits) + ".flac");
    writeFile(p, v, 48000, 2, OutputFormat::Flac);
    AudioReader r(p.string());
    CHECK(r.info().container == "FLAC");
    CHECK(r.info().sampleRate == 48000);
    CHECK(r.info().channels == 2);
    CHECK(readAll(r) == v);
  }
}

TEST_CASE("Integer formats clip beyond full scale instead of wrapping", "[io]") {
  const auto dir = scratchDir("clip");
  const std::vector<float> v = {1.5f, -1.5f, 1.0f, -1.0f, 40000.0f, -40000.0f};
  writeFile(dir / "c.wav", v, 48000, 1, OutputFormat::Wav16);
  AudioReader r((dir / "c.wav").string());
  const auto got = readAll(r);
  const float top = 32767.0f / 32768.0f;
  CHECK(got == std::vector<float>{top, -1.0f, top, -1.0f, top, -1.0f});
}

TEST_CASE("The same samples always give the same bytes", "[io]") {
  // Determinism (ARCHITECTURE.md): no timestamps (libsndfile's PEAK chunk) in the output.
  const auto dir = scratchDir("determinism");
  const auto v = programme(4000, 2, 24);
  const OutputFormat formats[] = {OutputFormat::Wav16, OutputFormat::Wav24,
                                  OutputFormat::Wav32f, OutputFormat::Flac};
  for (auto fmt : formats) writeFile(dir / ("a-" + toString(fmt)), v, 48000, 2, fmt);
  sleep(1);  // a timestamp would now differ
  for (auto fmt : formats) {
    CAPTURE(toString(fmt));
    writeFile(dir / ("b-" + toString(fmt)), v, 48000, 2, fmt);
    CHECK(readBytes(dir / ("a-" + toString(fmt))) == readBytes(dir / ("b-" + toString(fmt))));
  }
}

TEST_CASE("fromMemory reads the same samples as the file path", "[io]") {
  const auto dir = scratchDir("memory");
  const auto v = programme(3000, 2, 16);
  for (auto fmt : {OutputFormat::Wav16, OutputFormat::Flac}) {
    CAPTURE(toString(fmt));
    const auto p = dir / "m.bin";
    writeFile(p, v, 32000, 2, fmt);
    AudioReader fromPath(p.string());
    AudioReader fromBytes = AudioReader::fromMemory(readBytes(p), "upload.bin");
    CHECK(fromBytes.info().sampleRate == 32000);
    CHECK(fromBytes.info().frames == fromPath.info().frames);
    const auto a = readAll(fromPath);
    CHECK(readAll(fromBytes) == a);
    fromBytes.rewind();  // a second pass over the same upload
    AudioReader moved = std::move(fromBytes);
    CHECK(readAll(moved, 333) == a);
  }
}

TEST_CASE("rewind() restarts the stream", "[io]") {
  const auto dir = scratchDir("rewind");
  const auto v = programme(2500, 1, 16);
  writeFile(dir / "r.wav", v, 48000, 1, OutputFormat::Wav16);
  AudioReader r((dir / "r.wav").string());
  const auto first = readAll(r);
  CHECK(r.read(std::vector<float>(10).data(), 10) == 0);
  r.rewind();
  CHECK(readAll(r, 64) == first);
}

TEST_CASE("Bad input: each case is an IoError naming the file and the problem", "[io]") {
  const auto dir = scratchDir("bad");
  SECTION("missing file") {
    const auto p = (dir / "nope.wav").string();
    requireIoError([&] { AudioReader r(p); }, p, "does not exist");
  }
  SECTION("a directory") {
    requireIoError([&] { AudioReader r(dir.string()); }, dir.string(), "directory");
  }
  SECTION("empty file") {
    const auto p = dir / "empty.wav";
    writeBytes(p, {});
    requireIoError([&] { AudioReader r(p.string()); }, p.string(), "empty");
  }
  SECTION("text file") {
    const auto p = dir / "notes.wav";
    const std::string text = "these are my lyrics, not a recording\n";
    writeBytes(p, {text.begin(), text.end()});
    requireIoError([&] { AudioReader r(p.string()); }, p.string(), "not a readable audio file");
  }
  SECTION("random bytes") {
    const auto p = dir / "noise.wav";
    std::mt19937 rng(42);
    std::vector<uint8_t> bytes(65536);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    writeBytes(p, bytes);
    requireIoError([&] { AudioReader r(p.string()); }, p.string(), "not a readable audio file");
  }
  SECTION("header-only WAV (0 frames)") {
    const auto p = dir / "hdr.wav";
    AudioWriter w(p.string(), 48000, 2, OutputFormat::Wav16);
    w.commit();
    requireIoError([&] { AudioReader r(p.string()); }, p.string(), "0 frames");
  }
  SECTION("WAV cut inside its header") {
    const auto p = dir / "cut.wav";
    writeFile(p, programme(100, 2, 16), 48000, 2, OutputFormat::Wav16);
    auto bytes = readBytes(p);
    bytes.resize(30);
    writeBytes(p, bytes);
    requireIoError([&] { AudioReader r(p.string()); }, p.string(), "not a readable audio file");
  }
  SECTION("absurd channel count") {
    const auto p = dir / "chan.wav";
    auto bytes = wavHeader(200, 48000, 400 * 10);
    bytes.resize(bytes.size() + 400 * 10, 0);
    writeBytes(p, bytes);
    requireIoError([&] { AudioReader r(p.string()); }, p.string(), "200 channels");
  }
  SECTION("absurd sample rate") {
    const auto p = dir / "rate.wav";
    auto bytes = wavHeader(2, 1000, 4000);
    bytes.resize(bytes.size() + 4000, 0);
    writeBytes(p, bytes);
    requireIoError([&] { AudioReader r(p.string()); }, p.string(), "sample rate 1000 Hz");
  }
  SECTION("empty and non-audio uploads") {
    requireIoError([&] { AudioReader::fromMemory({}, "upload-1.wav"); }, "upload-1.wav",
                   "empty");
    const std::string text = "{\"not\": \"audio\"}";
    requireIoError(
        [&] { AudioReader::fromMemory({text.begin(), text.end()}, "upload-2.wav"); },
        "upload-2.wav", "not a readable audio file");
  }
}

TEST_CASE("Truncated WAV: the frames that exist are read, the rest is not invented", "[io]") {
  // Defined outcome: a data chunk that promises more than the file holds is read up to the
  // last complete frame present; info().frames says how many that is.
  const auto dir = scratchDir("truncated");
  const auto p = dir / "t.wav";
  const auto v = programme(1000, 2, 16);
  writeFile(p, v, 48000, 2, OutputFormat::Wav16);
  auto bytes = readBytes(p);
  const auto data = std::search(bytes.begin(), bytes.end(), "data", "data" + 4);
  REQUIRE(data != bytes.end());
  const auto dataStart = static_cast<size_t>(data - bytes.begin()) + 8;
  bytes.resize(dataStart + 500 * 4 + 3);  // 500 whole frames and part of the next
  writeBytes(p, bytes);
  AudioReader r(p.string());
  CHECK(r.info().frames == 500);
  const auto got = readAll(r);
  REQUIRE(got.size() == 1000);
  CHECK(std::equal(got.begin(), got.end(), v.begin()));
}

TEST_CASE("Writer: a directory that cannot take the file is an IoError naming the path",
          "[io]") {
  const auto dir = scratchDir("unwritable");
  SECTION("missing directory") {
    const auto p = (dir / "no-such-dir" / "out.wav").string();
    requireIoError([&] { AudioWriter w(p, 48000, 2, OutputFormat::Wav24); }, p,
                   "does not exist");
  }
  SECTION("parent is a file") {
    writeBytes(dir / "file", {1, 2, 3});
    const auto p = (dir / "file" / "out.wav").string();
    requireIoError([&] { AudioWriter w(p, 48000, 2, OutputFormat::Wav24); }, p,
                   "not a directory");
  }
  SECTION("target is a directory") {
    requireIoError([&] { AudioWriter w(dir.string(), 48000, 2, OutputFormat::Wav24); },
                   dir.string(), "is a directory");
  }
  SECTION("directory without write permission") {
    // Root ignores permission bits, so as root use a filesystem that refuses new files (sysfs).
    std::string p;
    fs::path ro;
    if (geteuid() != 0) {
      ro = dir / "ro";
      fs::create_directories(ro);
      fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
      p = (ro / "out.wav").string();
    } else if (fs::is_directory("/sys")) {
      p = "/sys/vocalmix-test-out.wav";
    }
    if (!p.empty()) {
      requireIoError([&] { AudioWriter w(p, 48000, 2, OutputFormat::Wav16); }, p,
                     "cannot create a file in directory");
      CHECK_FALSE(fs::exists(p));
    }
    if (!ro.empty()) fs::permissions(ro, fs::perms::owner_all);
  }
}

TEST_CASE("Writer: destroyed without commit leaves no file behind", "[io]") {
  const auto dir = scratchDir("nocommit");
  const auto p = dir / "out.wav";
  {
    AudioWriter w(p.string(), 48000, 2, OutputFormat::Wav24);
    const auto v = programme(1000, 2);
    w.write(v.data(), 1000);
    CHECK(fs::exists(w.tempPath()));
    CHECK_FALSE(fs::exists(p));
  }
  CHECK(fs::is_empty(dir));
}

TEST_CASE("Writer: commit replaces an existing file atomically; errors after commit", "[io]") {
  const auto dir = scratchDir("replace");
  const auto p = dir / "out.wav";
  writeBytes(p, {'o', 'l', 'd'});
  AudioWriter w(p.string(), 48000, 1, OutputFormat::Wav16);
  const auto v = programme(100, 1, 16);
  w.write(v.data(), 100);
  CHECK(readBytes(p) == std::vector<uint8_t>{'o', 'l', 'd'});  // untouched until commit
  w.commit();
  AudioReader r(p.string());
  CHECK(readAll(r) == v);
  CHECK_THROWS_AS(w.write(v.data(), 1), IoError);
  CHECK_THROWS_AS(w.commit(), IoError);
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
}

TEST_CASE("Writer: bad channel counts and rates are refused up front", "[io]") {
  const auto dir = scratchDir("badfmt");
  const auto p = (dir / "x.wav").string();
  requireIoError([&] { AudioWriter w(p, 48000, 0, OutputFormat::Wav16); }, p, "channel");
  requireIoError([&] { AudioWriter w(p, 100, 2, OutputFormat::Wav16); }, p, "sample rate");
  // FLAC holds at most 8 channels.
  requireIoError([&] { AudioWriter w(p, 48000, 12, OutputFormat::Flac); }, p, "flac");
  CHECK(fs::is_empty(dir));
}

TEST_CASE("Output format names", "[io]") {
  CHECK(parseOutputFormat("wav16") == OutputFormat::Wav16);
  CHECK(parseOutputFormat("WAV24") == OutputFormat::Wav24);
  CHECK(parseOutputFormat("wav32f") == OutputFormat::Wav32f);
  CHECK(parseOutputFormat("flac") == OutputFormat::Flac);
  for (auto f : {OutputFormat::Wav16, OutputFormat::Wav24, OutputFormat::Wav32f,
                 OutputFormat::Flac}) {
    CHECK(parseOutputFormat(toString(f)) == f);
  }
  CHECK(isIntegerFormat(OutputFormat::Flac));
  CHECK_FALSE(isIntegerFormat(OutputFormat::Wav32f));
  CHECK(bitDepth(OutputFormat::Wav16) == 16);
  CHECK(bitDepth(OutputFormat::Wav24) == 24);
  CHECK(bitDepth(OutputFormat::Flac) == 24);
  try {
    parseOutputFormat("mp3");
    FAIL("mp3 accepted");
  } catch (const IoError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("'mp3'") != std::string::npos);
    CHECK(msg.find("wav16, wav24, wav32f, flac") != std::string::npos);
  }
}

TEST_CASE("Reads real recorded speech from alsa-utils", "[io]") {
  const fs::path p = "/usr/share/sounds/alsa/Front_Center.wav";
  if (!fs::exists(p)) {
    WARN("alsa-utils sounds not installed; skipped");
    return;
  }
  AudioReader r(p.string());
  CHECK(r.info().channels == 1);
  CHECK(r.info().sampleRate == 48000);
  CHECK(r.info().encoding == "PCM 16-bit");
  const auto v = readAll(r);
  CHECK(static_cast<int64_t>(v.size()) == r.info().frames);
  CHECK(r.info().durationSeconds() > 0.5);
}

TEST_CASE("Files larger than the 1 MiB I/O buffers round-trip exactly, in any blocking",
          "[io]") {
  // 300 000 stereo 24-bit frames = 1.8 MB of audio: the writer flushes its buffer mid-file and
  // rewrites the header at the end; the reader refills across buffer edges, and rewinds.
  const auto dir = scratchDir("large");
  const auto v = programme(300000, 2, 24, 7);
  for (auto fmt : {OutputFormat::Wav24, OutputFormat::Flac}) {
    CAPTURE(toString(fmt));
    const auto p = dir / (fmt == OutputFormat::Flac ? "big.flac" : "big.wav");
    writeFile(p, v, 48000, 2, fmt);
    AudioReader r(p.string());
    CHECK(r.info().frames == 300000);
    CHECK(readAll(r, 4096) == v);
    r.rewind();
    CHECK(readAll(r, 65537) == v);  // blocks that do not divide the buffer
    // The memory reader (no buffering of its own) reads the same file the same.
    AudioReader m = AudioReader::fromMemory(readBytes(p), "big");
    CHECK(readAll(m, 999) == v);
  }
}
