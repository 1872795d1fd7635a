// The `vocalmix` command as a user runs it: bad input gets a non-zero exit, a message naming
// the problem and no output file; odd but valid input gets a finite output or a clear error.
#include <sndfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "support/cli_runner.h"
#include "support/test_vocal.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

using Result = vocalmix::testing::CliRun;
using vocalmix::testing::runCli;

// One directory per test process: CTest runs the test cases in parallel processes.
std::string dir() {
  const std::string d = std::string(VOCALMIX_TEST_TMP) + "/cli-" + std::to_string(getpid());
  fs::create_directories(d);
  return d;
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A WAV written by libsndfile with the given frames (interleaved float).
void writeWav(const std::string& path, int rate, int channels, const std::vector<float>& data, int format = SF_FORMAT_WAV | SF_FORMAT_FLOAT) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  REQUIRE(f != nullptr);
  sf_writef_float(f, data.data(), static_cast<sf_count_t>(data.size() / channels));
  sf_close(f);
}

std::vector<float> tone(int rate, int channels, double seconds) {
  std::vector<float> v(static_cast<size_t>(rate * seconds) * channels);
  for (size_t i = 0; i < v.size() / channels; ++i) {
    for (int c = 0; c < channels; ++c) v[i * channels + c] = static_cast<float>(0.3 * std::sin(2 * M_PI * 220.0 * i / rate));
  }
  return v;
}

std::string validVocal() {
  const std::string p = dir() + "/valid.wav";
  if (!fs::exists(p)) writeWav(p, 48000, 2, tone(48000, 2, 3.0));
  return p;
}

void expectFailure(const std::string& args, const std::string& out, const std::string& mention) {
  INFO("vocalmix " << args);
  const Result r = runCli(args);
  INFO(r.output);
  CHECK(r.exitCode != 0);
  CHECK_THAT(r.output, Contains(mention));
  CHECK_FALSE(fs::exists(out));
  // No temp file left next to the output either.
  const fs::path parent = fs::path(out).parent_path();
  if (!fs::is_directory(parent)) return;
  for (const auto& e : fs::directory_iterator(parent)) {
    CHECK(e.path().filename().string().find(fs::path(out).filename().string() + ".tmp") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("cli: presets, params and analyze print what they promise", "[cli]") {
  const Result presets = runCli("presets");
  CHECK(presets.exitCode == 0);
  CHECK_THAT(presets.output, Contains("modern_clean") && Contains("trap_aggressive") && Contains("smooth_rnb"));
  const Result params = runCli("params --json");
  REQUIRE(params.exitCode == 0);
  const auto schema = nlohmann::json::parse(params.output);
  REQUIRE(schema.is_array());
  for (const auto& row : schema) {
    for (const char* key : {"id", "label", "unit", "min", "max", "default"}) CHECK(row.contains(key));
  }
  const Result analyze = runCli("analyze " + validVocal() + " --json");
  REQUIRE(analyze.exitCode == 0);
  const auto j = nlohmann::json::parse(analyze.output);
  for (const char* key : {"integrated_lufs", "true_peak_dbtp", "lra", "sample_rate", "channels", "duration_s"}) CHECK(j.contains(key));
  CHECK(j["sample_rate"] == 48000);
  CHECK(j["duration_s"].get<double>() == Approx(3.0).margin(1e-3));
}

TEST_CASE("cli: render writes the file and the report", "[cli]") {
  const std::string out = dir() + "/ok.flac";
  const std::string report = dir() + "/ok.json";
  fs::remove(out);
  const Result r = runCli("render " + validVocal() + " -p smooth_rnb -o " + out +
                          " --set reverb.decay_s=2 --format flac --report " + report);
  INFO(r.output);
  REQUIRE(r.exitCode == 0);
  CHECK(fs::exists(out));
  std::ifstream in(report);
  const auto j = nlohmann::json::parse(in);
  CHECK(j["params"]["reverb.decay_s"] == 2.0);
  CHECK(j["format"] == "flac");
  CHECK(j["output"]["integrated_lufs"].get<double>() == Approx(-14).margin(0.5));
}

TEST_CASE("cli: bad input fails clearly and leaves no output", "[cli]") {
  const std::string d = dir();
  const std::string out = d + "/never.wav";
  fs::remove(out);
  writeBytes(d + "/empty.wav", "");
  expectFailure("render " + d + "/empty.wav -p modern_clean -o " + out, out, "empty.wav");
  writeBytes(d + "/text.wav", "this is not audio, it is a shopping list\nmilk\neggs\n");
  expectFailure("render " + d + "/text.wav -p modern_clean -o " + out, out, "text.wav");
  std::string noise(4096, '\0');
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 2654435761u) >> 13);
  writeBytes(d + "/random.bin", noise);
  expectFailure("render " + d + "/random.bin -p modern_clean -o " + out, out, "random.bin");
  // Header only (0 frames) and a truncated header.
  writeWav(d + "/header_only.wav", 48000, 2, {});
  expectFailure("render " + d + "/header_only.wav -p modern_clean -o " + out, out, "header_only.wav");
  {
    std::ifstream in(validVocal(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    writeBytes(d + "/truncated_header.wav", bytes.substr(0, 30));
  }
  expectFailure("render " + d + "/truncated_header.wav -p modern_clean -o " + out, out, "truncated_header.wav");
  // NaN / Inf samples in a float WAV.
  auto bad = tone(48000, 2, 1.0);
  bad[1000] = std::nanf("");
  bad[2001] = INFINITY;
  writeWav(d + "/nan.wav", 48000, 2, bad);
  expectFailure("render " + d + "/nan.wav -p modern_clean -o " + out, out, "NaN");
  expectFailure("render " + d + "/missing.wav -p modern_clean -o " + out, out, "missing.wav");
  expectFailure("render " + validVocal() + " -p lofi_dreams -o " + out, out, "unknown preset 'lofi_dreams'");
  expectFailure("render " + validVocal() + " -p " + d + "/nope.json -o " + out, out, "nope.json");
  expectFailure("render " + validVocal() + " -p modern_clean --set eq.presense.gain_db=3 -o " + out, out, "eq.presense.gain_db");
  expectFailure("render " + validVocal() + " -p modern_clean --set comp.ratio=99 -o " + out, out, "comp.ratio");
  expectFailure("render " + validVocal() + " -p modern_clean --target-lufs 5 -o " + out, out, "output.target_lufs");
  expectFailure("render " + validVocal() + " -p modern_clean --format mp4 -o " + out, out, "mp4");
  writeBytes(d + "/broken_preset.json", "{\"params\": {\"comp.ratio\": }");
  expectFailure("render " + validVocal() + " -p " + d + "/broken_preset.json -o " + out, out, "malformed JSON");
  expectFailure("render " + validVocal() + " -p modern_clean -o /proc/vocalmix-cannot-write/x.wav", "/proc/vocalmix-cannot-write/x.wav", "/proc/vocalmix-cannot-write");
  // An existing directory that refuses files even to root.
  expectFailure("render " + validVocal() + " -p modern_clean -o /sys/vocalmix-test.wav", "/sys/vocalmix-test.wav", "/sys/vocalmix-test.wav");
  const Result usage = runCli("render");
  CHECK(usage.exitCode == 2);
}

TEST_CASE("cli: odd but valid input gives a finite output or a clear error", "[cli]") {
  const std::string d = dir();
  struct Case { std::string name; int rate, channels; double seconds; bool silent; bool expectOk; std::string mention; };
  const Case cases[] = {
      {"one_frame", 48000, 1, 1.0 / 48000, false, true, ""},
      {"rate8k", 8000, 1, 2.0, false, false, "8000 Hz"},
      {"rate384k", 384000, 1, 0.5, false, false, "384000 Hz"},
      {"rate192k", 192000, 2, 2.0, false, true, ""},
      {"eight_channels", 48000, 8, 2.0, false, true, "folded to mono"},
      {"silence", 48000, 2, 2.0, true, true, "could not be measured"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const std::string in = d + "/" + c.name + ".wav";
    auto data = tone(c.rate, c.channels, c.seconds);
    if (data.empty()) data.assign(c.channels, 0.25f);
    if (c.silent) std::fill(data.begin(), data.end(), 0.0f);
    writeWav(in, c.rate, c.channels, data);
    const std::string out = d + "/" + c.name + "_out.wav";
    fs::remove(out);
    const Result r = runCli("render " + in + " -p modern_clean -o " + out + " --format wav32f");
    INFO(r.output);
    if (!c.expectOk) {
      CHECK(r.exitCode == 1);
      CHECK_THAT(r.output, Contains(c.mention));
      CHECK_FALSE(fs::exists(out));
      continue;
    }
    REQUIRE(r.exitCode == 0);
    if (!c.mention.empty()) CHECK_THAT(r.output, Contains(c.mention));
    SF_INFO info{};
    SNDFILE* f = sf_open(out.c_str(), SFM_READ, &info);
    REQUIRE(f != nullptr);
    CHECK(info.samplerate == c.rate);
    std::vector<float> o(static_cast<size_t>(info.frames) * info.channels);
    sf_readf_float(f, o.data(), info.frames);
    sf_close(f);
    CHECK(info.frames == static_cast<sf_count_t>(data.size() / c.channels));
    bool finite = true, silent = true;
    for (float s : o) {
      finite = finite && std::isfinite(s);
      silent = silent && s == 0.0f;
    }
    CHECK(finite);
    if (c.silent) CHECK(silent);
  }
}
