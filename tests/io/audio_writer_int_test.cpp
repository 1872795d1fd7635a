// AudioWriter's integer paths: write() rounds inline (no std::nearbyint call) and writeInt()
// takes libsndfile's left-justified ints. Reference for both: the codes round(x·2^(bits-1))
// computed here with std::nearbyint, NaN → 0, clamped to the word, written through writeInt().
// The two files must be byte-identical: ties, NaN, infinities, beyond full scale, denormals.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "io/audio_file.h"
#include "support/scratch_files.h"

namespace fs = std::filesystem;
using namespace vocalmix::io;

namespace {

fs::path scratchDir(const std::string& name) { return vocalmix::testing::scratchDir("io", name); }

std::vector<uint8_t> readBytes(const fs::path& p) { return vocalmix::testing::fileBytes(p); }

// Floats that probe the conversion: exact codes, half codes (ties go to even), just either
// side of them, full scale and beyond, NaN, infinities, denormals, signed zeros, noise.
std::vector<float> probeSamples(int bits) {
  const float scale = std::ldexp(1.0f, bits - 1);
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> v = {0.0f, -0.0f, 1.0f, -1.0f, 1.5f, -1.5f, 2.0f, -2.0f, 1e30f, -1e30f,
                          inf, -inf, std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::denorm_min(),
                          -std::numeric_limits<float>::denorm_min(), std::nextafter(1.0f, 0.0f),
                          std::nextafter(-1.0f, 0.0f), std::nextafter(1.0f, 2.0f)};
  for (float k : {0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 1000.0f, 1001.0f, scale / 2, scale - 2.0f,
                  scale - 1.0f}) {
    for (float f : {0.0f, 0.5f, 0.25f, 0.75f}) {
      const float x = (k + f) / scale;
      for (float s : {x, std::nextafter(x, 0.0f), std::nextafter(x, 2.0f)}) {
        v.push_back(s);
        v.push_back(-s);
      }
    }
  }
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1.2f, 1.2f);
  for (int i = 0; i < 20000; ++i) v.push_back(u(rng));
  if (v.size() % 2) v.push_back(0.25f);  // whole stereo frames
  return v;
}

int32_t referenceCode(float x, int bits) {
  const double scale = std::ldexp(1.0, bits - 1);
  double v = static_cast<double>(x) * scale;
  v = std::isnan(v) ? 0.0 : std::clamp(std::nearbyint(v), -scale, scale - 1.0);
  return static_cast<int32_t>(static_cast<int64_t>(v) << (32 - bits));
}

}  // namespace

TEST_CASE("AudioWriter::write rounds like std::nearbyint, and writeInt gives the same bytes",
          "[io][writer]") {
  const fs::path dir = scratchDir("writer_int");
  for (OutputFormat fmt : {OutputFormat::Wav16, OutputFormat::Wav24, OutputFormat::Flac}) {
    const int bits = bitDepth(fmt);
    const std::vector<float> samples = probeSamples(bits);
    std::vector<int32_t> codes(samples.size());
    for (size_t i = 0; i < samples.size(); ++i) codes[i] = referenceCode(samples[i], bits);
    const int64_t frames = static_cast<int64_t>(samples.size()) / 2;
    const std::string ext = fmt == OutputFormat::Flac ? ".flac" : ".wav";
    const fs::path viaFloat = dir / (toString(fmt) + "_float" + ext);
    const fs::path viaInt = dir / (toString(fmt) + "_int" + ext);
    {
      AudioWriter w(viaFloat.string(), 48000, 2, fmt);
      for (int64_t done = 0; done < frames; done += 777) {  // odd blocks
        w.write(samples.data() + 2 * done, std::min<int64_t>(777, frames - done));
      }
      w.commit();
    }
    {
      AudioWriter w(viaInt.string(), 48000, 2, fmt);
      for (int64_t done = 0; done < frames; done += 1000) {
        w.writeInt(codes.data() + 2 * done, std::min<int64_t>(1000, frames - done));
      }
      w.commit();
    }
    INFO(toString(fmt));
    REQUIRE(readBytes(viaFloat) == readBytes(viaInt));
    REQUIRE(readBytes(viaFloat).size() > static_cast<size_t>(frames));
  }
}

TEST_CASE("AudioWriter::writeInt refuses a float format", "[io][writer]") {
  const fs::path dir = scratchDir("writer_int_float");
  const fs::path p = dir / "f.wav";
  AudioWriter w(p.string(), 48000, 2, OutputFormat::Wav32f);
  const int32_t frame[2] = {0, 0};
  REQUIRE_THROWS_AS(w.writeInt(frame, 1), IoError);
}
