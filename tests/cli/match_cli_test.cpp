// `vocalmix match` as a user runs it: the fitted preset file renders with `vocalmix render -p`,
// and bad input (no such reference, a silent one, a bad --amount) gets exit code 1, a message
// naming the problem and no preset file.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/preset.h"
#include "support/cli_runner.h"
#include "support/test_vocal.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

using Run = vocalmix::testing::CliRun;
constexpr auto runVocalmix = vocalmix::testing::runCli;

std::string dir() {
  const std::string d = std::string(VOCALMIX_TEST_TMP) + "/cli-match-" + std::to_string(getpid());
  fs::create_directories(d);
  return d;
}

// The client's take (recorded speech, noise, hum) and a reference: another take at 44.1 kHz,
// mixed with smooth_rnb by the CLI itself.
struct Files {
  std::string vocal, reference;
};
const Files& files() {
  static const Files f = [] {
    Files out{dir() + "/take.wav", dir() + "/reference.wav"};
    vocalmix::testing::TestVocalOptions o;
    o.seconds = 8.0;
    vocalmix::testing::writeTestVocal(out.vocal, o);
    o.sampleRate = 44100;
    o.seed = 7;
    o.seconds = 10.0;
    const std::string raw = dir() + "/reference_raw.wav";
    vocalmix::testing::writeTestVocal(raw, o);
    const Run r = runVocalmix("render " + raw + " -p smooth_rnb --set eq.presence.gain_db=6 -o " + out.reference);
    INFO(r.output);
    REQUIRE(r.exitCode == 0);
    return out;
  }();
  return f;
}

void expectRefused(const std::string& args, const std::string& out, int exitCode, const std::string& mention) {
  INFO("vocalmix " << args);
  const Run r = runVocalmix(args);
  INFO(r.output);
  CHECK(r.exitCode == exitCode);
  CHECK_THAT(r.output, Contains(mention));
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".tmp"));
}

}  // namespace

TEST_CASE("cli match: writes a preset that render takes, and a report", "[cli][match]") {
  const Files& f = files();
  const std::string preset = dir() + "/matched.json", report = dir() + "/match_report.json";
  const Run m = runVocalmix("match " + f.vocal + " --reference " + f.reference + " -o " + preset +
                         " --amount tone=100,dynamics=80,space=50,loudness=100 --report " + report);
  INFO(m.output);
  REQUIRE(m.exitCode == 0);
  CHECK_THAT(m.output, Contains("based on") && Contains("matched"));
  const vocalmix::Preset p = vocalmix::Preset::fromFile(preset);  // a regular preset file
  CHECK(p.name == "matched");
  std::ifstream in(report);
  const auto r = nlohmann::json::parse(in);
  CHECK(r["reference"] == "reference.wav");
  CHECK(r["amounts"]["dynamics"] == 80.0);
  CHECK(r["amounts"]["space"] == 50.0);
  CHECK_FALSE(r["summary"].empty());
  CHECK(r["after"]["envelope_distance_db"].get<double>() < r["before"]["envelope_distance_db"].get<double>());

  const std::string out = dir() + "/matched.wav", renderReport = dir() + "/render.json";
  const Run render = runVocalmix("render " + f.vocal + " -p " + preset + " -o " + out + " --report " + renderReport);
  INFO(render.output);
  REQUIRE(render.exitCode == 0);
  std::ifstream rr(renderReport);
  const auto rj = nlohmann::json::parse(rr);
  CHECK(rj["preset"] == "matched");
  CHECK(rj["output"]["integrated_lufs"].get<double>() ==
        Approx(p.params.get(vocalmix::ParamId::OutputTarget)).margin(0.5));
}

TEST_CASE("cli match: bad input gets exit 1, a clear message and no preset file", "[cli][match]") {
  const Files& f = files();
  const std::string out = dir() + "/never.json";
  fs::remove(out);
  expectRefused("match " + f.vocal + " --reference " + dir() + "/no_such_reference.wav -o " + out, out, 1,
                "no_such_reference.wav");
  expectRefused("match " + f.vocal + " --reference " + f.reference + " -o " + out + " --amount tone=100,warmth=20",
                out, 1, "unknown amount 'warmth'");
  expectRefused("match " + f.vocal + " --reference " + f.reference + " -o " + out + " --amount space=150", out, 1,
                "amount 'space' = 150 is outside 0–100");
  expectRefused("match " + f.vocal + " --reference " + f.reference + " -o " + out + " --amount tone=lots", out, 1,
                "'lots' is not a number");

  const std::string silent = dir() + "/silent.wav";
  vocalmix::testing::writeSilentWav(silent, 2, 4.0);
  expectRefused("match " + f.vocal + " --reference " + silent + " -o " + out, out, 1,
                "reference 'silent.wav' is silent");
  // Leaving out --reference is a usage error (exit 2, like every other missing required option).
  expectRefused("match " + f.vocal + " -o " + out, out, 2, "--reference");
}
