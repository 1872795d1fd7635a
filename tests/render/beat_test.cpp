// Vocal over a beat. References: clicks on a 120 BPM grid in a 44.1 kHz beat must land on the
// exact 48 kHz grid (every 24 000 samples) three minutes in (no drift); the mix meets the
// loudness target (±0.5 LU) under the ceiling and lasts as long as the longer input; with a
// mono beat and the sends off, the result is exactly centred (L == R).
#include <sndfile.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "render/render_file.h"
#include "support/test_vocal.h"

using namespace vocalmix;
namespace fs = std::filesystem;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::string tmp(const std::string& name) {
  const std::string dir = std::string(VOCALMIX_TEST_TMP) + "/beat-" + std::to_string(getpid());
  fs::create_directories(dir);
  return dir + "/" + name;
}

void writeWav(const std::string& path, int rate, int channels, const std::vector<float>& data) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  REQUIRE(f != nullptr);
  sf_writef_float(f, data.data(), static_cast<sf_count_t>(data.size() / channels));
  sf_close(f);
}

std::vector<float> readWav(const std::string& path, int& rate, int& channels) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  REQUIRE(f != nullptr);
  std::vector<float> d(static_cast<size_t>(info.frames) * info.channels);
  sf_readf_float(f, d.data(), info.frames);
  sf_close(f);
  rate = info.samplerate;
  channels = info.channels;
  return d;
}

// A drum loop: kick on every beat, a noise hat on the off-beats, a quiet pad underneath.
std::vector<float> drums(int rate, double bpm, double seconds, int channels, bool clicksOnly = false) {
  const size_t n = static_cast<size_t>(rate * seconds);
  std::vector<float> out(n * channels, 0.0f);
  const double beat = 60.0 / bpm * rate;
  uint32_t seed = 7;
  for (size_t i = 0; i < n; ++i) {
    double v = 0.0;
    if (clicksOnly) {
      // Clicks exactly on the sample grid when beat is a whole number of samples.
      v = std::fmod(static_cast<double>(i), beat) == 0.0 ? 0.9 : 0.0;
      seed = seed * 1664525u + 1013904223u;
      v += 0.003 * ((seed >> 8) / 8388608.0 - 1.0);  // a faint bed so loudness is measurable
    } else {
      const double inBeat = std::fmod(static_cast<double>(i), beat) / rate;
      const double inHalf = std::fmod(static_cast<double>(i) + beat / 2, beat) / rate;
      v += 0.6 * std::exp(-inBeat * 18) * std::sin(2 * kPi * (50 + 80 * std::exp(-inBeat * 30)) * inBeat);
      seed = seed * 1664525u + 1013904223u;
      v += 0.15 * std::exp(-inHalf * 60) * ((seed >> 8) / 8388608.0 - 1.0);
      v += 0.05 * std::sin(2 * kPi * 220 * i / rate);
    }
    for (int c = 0; c < channels; ++c) out[i * channels + c] = static_cast<float>(v * (c == 0 ? 1.0 : 0.9));
  }
  return out;
}

std::string vocal48k(double seconds) {
  const std::string p = tmp("vocal_" + std::to_string(static_cast<int>(seconds)) + ".wav");
  if (!fs::exists(p)) {
    testing::TestVocalOptions o;
    o.seconds = seconds;
    testing::writeTestVocal(p, o);
  }
  return p;
}

}  // namespace

TEST_CASE("beat: a 44.1 kHz beat under a 48 kHz vocal stays on the grid after 3 minutes", "[beat]") {
  REQUIRE(testing::speechAvailable());
  const std::string beat = tmp("clicks_44k1.wav");
  writeWav(beat, 44100, 1, drums(44100, 120.0, 185.0, 1, /*clicksOnly=*/true));
  render::RenderRequest req;
  req.inputPath = vocal48k(20.0);
  req.beatPath = beat;
  req.outputPath = tmp("clicks_out.wav");
  req.preset = bundledPreset("modern_clean");
  req.preset.params.set(ParamId::DelayOn, 0);
  req.preset.params.set(ParamId::ReverbOn, 0);
  req.format = io::OutputFormat::Wav32f;
  const auto report = render::renderFile(req);
  int rate = 0, channels = 0;
  const auto out = readWav(req.outputPath, rate, channels);
  REQUIRE(rate == 48000);
  REQUIRE(channels == 2);
  const size_t frames = out.size() / 2;
  CHECK(frames == static_cast<size_t>(185 * 48000));  // the beat is the longer input
  CHECK(report["notes"].dump().find("resampled from 44100") != std::string::npos);
  // The last beats, from 3:00 on (after the vocal has ended): each click's peak sits on the
  // 48 kHz grid of 24 000 samples.
  int checked = 0;
  for (size_t b = 180 * 2; b * 24000 + 200 < frames; ++b) {
    const size_t centre = b * 24000;
    size_t peak = centre - 100;
    for (size_t i = centre - 100; i < centre + 100; ++i) if (std::fabs(out[2 * i]) > std::fabs(out[2 * peak])) peak = i;
    INFO("beat " << b << " at " << centre);
    CHECK(peak == centre);
    ++checked;
  }
  CHECK(checked >= 8);
}

TEST_CASE("beat: vocal over a beat meets the quality table and is deterministic", "[beat]") {
  REQUIRE(testing::speechAvailable());
  const std::string beat = tmp("loop_44k1.wav");
  writeWav(beat, 44100, 2, drums(44100, 95.0, 26.0, 2));
  for (const auto& preset : bundledPresets()) {
    INFO("preset " << preset.name);
    render::RenderRequest req;
    req.inputPath = vocal48k(24.0);
    req.beatPath = beat;
    req.preset = preset;
    req.outputPath = tmp(preset.name + "_a.wav");
    const auto a = render::renderFile(req);
    CHECK(a["output"]["integrated_lufs"].get<double>() == Approx(preset.params.get(ParamId::OutputTarget)).margin(0.5));
    CHECK(a["output"]["true_peak_dbtp"].get<double>() <= -1.0);
    CHECK(a["output"]["duration_s"].get<double>() == Approx(26.0).margin(1e-3));
    CHECK_FALSE(a["output"]["has_nan_or_inf"].get<bool>());
    req.outputPath = tmp(preset.name + "_b.wav");
    render::renderFile(req);
    std::ifstream fa(tmp(preset.name + "_a.wav"), std::ios::binary), fb(req.outputPath, std::ios::binary);
    const std::string ba((std::istreambuf_iterator<char>(fa)), {}), bb((std::istreambuf_iterator<char>(fb)), {});
    CHECK(ba == bb);
  }
}

TEST_CASE("beat: a mono beat with the sends off leaves the mix exactly centred", "[beat]") {
  REQUIRE(testing::speechAvailable());
  const std::string beat = tmp("mono_48k.wav");
  writeWav(beat, 48000, 1, drums(48000, 100.0, 12.0, 1));
  render::RenderRequest req;
  req.inputPath = vocal48k(10.0);
  req.beatPath = beat;
  req.preset = bundledPreset("trap_aggressive");
  req.preset.params.set(ParamId::DelayOn, 0);
  req.preset.params.set(ParamId::ReverbOn, 0);
  req.format = io::OutputFormat::Wav32f;
  req.outputPath = tmp("centred.wav");
  render::renderFile(req);
  int rate = 0, channels = 0;
  const auto out = readWav(req.outputPath, rate, channels);
  size_t differing = 0;
  for (size_t i = 0; i < out.size(); i += 2) differing += out[i] != out[i + 1];
  CHECK(differing == 0);
  CHECK(out.size() / 2 == static_cast<size_t>(12 * 48000));
}

TEST_CASE("beat: the delay follows the beat's tempo unless the user chose one", "[beat]") {
  REQUIRE(testing::speechAvailable());
  const std::string beat = tmp("loop95.wav");
  writeWav(beat, 44100, 2, drums(44100, 95.0, 26.0, 2));
  render::RenderRequest req;
  req.inputPath = vocal48k(24.0);
  req.beatPath = beat;
  req.preset = bundledPreset("smooth_rnb");
  req.detectTempo = true;
  req.outputPath = tmp("tempo_auto.wav");
  const auto autoTempo = render::renderFile(req);
  INFO(autoTempo["tempo"].dump() << " " << autoTempo["notes"].dump());
  CHECK(autoTempo["tempo"]["source"] == "beat");
  CHECK(autoTempo["tempo"]["delay_bpm"].get<double>() == Approx(95.0).epsilon(0.04));  // Acc1
  CHECK(autoTempo["params"]["delay.bpm"] == autoTempo["tempo"]["delay_bpm"]);
  // The vocal alone (speech, no beat) has no reliable tempo: the preset's 120 BPM stays, and
  // the report says so.
  render::RenderRequest vocalOnly = req;
  vocalOnly.beatPath.clear();
  vocalOnly.outputPath = tmp("tempo_vocal.wav");
  const auto v = render::renderFile(vocalOnly);
  CHECK(v["tempo"]["source"] == "vocal");
  CHECK(v["tempo"]["delay_bpm"] == 120.0);
  CHECK(v["notes"].dump().find("no clear tempo") != std::string::npos);
  // The user's choice wins.
  req.detectTempo = false;
  req.preset.params.set(ParamId::DelayBpm, 87.0);
  req.outputPath = tmp("tempo_user.wav");
  const auto user = render::renderFile(req);
  CHECK(user["tempo"]["delay_bpm"] == 87.0);
}
