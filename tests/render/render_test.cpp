// The delivery path on real recorded voice (alsa-utils speech + pink noise + hum + a 4 dB
// stereo imbalance). References: QUALITY.md's table — loudness ±0.5 LU of target (the report's
// BS.1770 meter, cross-checked against libebur128 in the analysis tests), true peak <= ceiling
// (BS.1770 4× oversampling), noise-to-voice at least 6 dB better than the input's, balance
// within 1 dB, mid/side >= 10 dB, |DC| < 1e-4, byte-identical reruns, sample rate kept.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "render/render_file.h"
#include "support/test_vocal.h"

using namespace vocalmix;
namespace fs = std::filesystem;

namespace {

std::string tmpPath(const std::string& name) {
  fs::create_directories(VOCALMIX_TEST_TMP);
  return std::string(VOCALMIX_TEST_TMP) + "/render_" + name;
}

std::string testVocalFile(int rate) {
  const std::string path = tmpPath("vocal_" + std::to_string(rate) + ".wav");
  if (!fs::exists(path)) {
    testing::TestVocalOptions o;
    o.sampleRate = rate;
    o.seconds = 24.0;
    o.pauseSeconds = 1.2;
    // Written under a per-process name and renamed: test cases run in parallel processes.
    const std::string part = path + ".part-" + std::to_string(getpid());
    testing::writeTestVocal(part, o);
    fs::rename(part, path);
  }
  return path;
}

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("every preset on recorded voice meets the quality table", "[render]") {
  REQUIRE(testing::speechAvailable());
  const std::string in = testVocalFile(48000);
  for (const auto& preset : bundledPresets()) {
    INFO("preset " << preset.name);
    render::RenderRequest req;
    req.inputPath = in;
    req.outputPath = tmpPath(preset.name + ".wav");
    req.preset = preset;
    const auto report = render::renderFile(req);
    const auto& out = report["output"];
    const auto& input = report["input"];
    const double target = preset.params.get(ParamId::OutputTarget);
    INFO(report.dump(1));
    CHECK(out["integrated_lufs"].get<double>() == Approx(target).margin(0.5));
    CHECK(out["true_peak_dbtp"].get<double>() <= -1.0);
    CHECK(out["noise_to_voice_db"].get<double>() <= input["noise_to_voice_db"].get<double>() - 6.0);
    CHECK(std::fabs(out["balance_db"].get<double>()) <= 1.0);
    CHECK(out["mid_side_db"].get<double>() >= 10.0);
    CHECK(out["dc_offset"].get<double>() < 1e-4);
    CHECK(out["sample_rate"] == 48000);
    CHECK(out["duration_s"].get<double>() == Approx(input["duration_s"].get<double>()).margin(1e-9));
    // The output model's gain lands on the first exact pass of the output stage.
    CHECK(report["normalisation_tries"] == 1);
  }
}

TEST_CASE("renders are byte-identical run after run, and keep 44.1 kHz", "[render]") {
  REQUIRE(testing::speechAvailable());
  const std::string in = testVocalFile(44100);
  render::RenderRequest req;
  req.inputPath = in;
  req.preset = bundledPreset("trap_aggressive");
  req.format = io::OutputFormat::Wav16;
  req.outputPath = tmpPath("det_a.wav");
  const auto a = render::renderFile(req);
  req.outputPath = tmpPath("det_b.wav");
  render::renderFile(req);
  CHECK(readBytes(tmpPath("det_a.wav")) == readBytes(tmpPath("det_b.wav")));
  CHECK(a["output"]["sample_rate"] == 44100);
  CHECK(a["output"]["integrated_lufs"].get<double>() == Approx(-11.0).margin(0.5));
  CHECK(a["output"]["true_peak_dbtp"].get<double>() <= -1.0);
}

TEST_CASE("target and ceiling overrides are honoured", "[render]") {
  REQUIRE(testing::speechAvailable());
  render::RenderRequest req;
  req.inputPath = testVocalFile(48000);
  req.preset = bundledPreset("modern_clean");
  req.targetLufs = -12.0;  // loud for this preset: the limiter has several dB of work to do
  req.ceilingDbtp = -2.0;
  req.format = io::OutputFormat::Wav32f;
  req.outputPath = tmpPath("loud.wav");
  const auto r = render::renderFile(req);
  CHECK(r["output"]["integrated_lufs"].get<double>() == Approx(-12.0).margin(0.5));
  CHECK(r["output"]["true_peak_dbtp"].get<double>() <= -2.0);
  CHECK(r["params"]["output.ceiling_dbtp"] == -2.0);
  CHECK(r["notes"].empty());
  // An unreachable target: the ceiling still holds, and the report says what happened.
  req.targetLufs = -7.0;
  req.outputPath = tmpPath("too_loud.wav");
  const auto t = render::renderFile(req);
  CHECK(t["output"]["true_peak_dbtp"].get<double>() <= -2.0);
  REQUIRE(t["notes"].size() == 1);
  CHECK(t["notes"][0].get<std::string>().find("not reachable") != std::string::npos);
}
