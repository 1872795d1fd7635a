// vocalmix — the command line: render, analyze, presets, params.
// Exit codes: 0 success, 1 a problem with the input or the request (message on stderr),
// 2 bad command-line usage.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis/tempo.h"
#include "render/match_file.h"
#include "render/render_file.h"

using namespace vocalmix;
using nlohmann::json;

namespace {

// A preset is a bundled name or a path to a preset JSON file.
Preset resolvePreset(const std::string& nameOrPath) {
  const bool looksLikePath = nameOrPath.find('/') != std::string::npos ||
                             nameOrPath.ends_with(".json");
  if (looksLikePath || std::filesystem::exists(nameOrPath)) return Preset::fromFile(nameOrPath);
  return bundledPreset(nameOrPath);
}

class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}
  void operator()(double fraction, const std::string& stage) {
    if (!enabled_) return;
    const int percent = static_cast<int>(fraction * 100.0);
    if (percent == last_ && stage == lastStage_) return;
    last_ = percent;
    lastStage_ = stage;
    const int width = 30, filled = percent * width / 100;
    std::fprintf(stderr, "\r[%.*s%*s] %3d%% %-10s", filled, "##############################",
                 width - filled, "", percent, stage.c_str());
    if (fraction >= 1.0) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  int last_ = -1;
  std::string lastStage_;
};

void writeJsonFile(const std::string& path, const json& j, const std::string& what = "report file") {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw std::runtime_error(what + " '" + path + "': cannot be written");
    out << j.dump(2) << "\n";
    if (!out) throw std::runtime_error(what + " '" + path + "': write failed");
  }
  std::filesystem::rename(tmp, path);
}

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void printQuality(const json& q) {
  auto num = [&](const char* key) { return q.contains(key) && q[key].is_number() ? q[key].get<double>() : 0.0; };
  std::cout << "  sample rate        " << q.value("sample_rate", 0) << " Hz, " << q.value("channels", 0)
            << " channel(s), " << fmt(num("duration_s"), 2) << " s\n"
            << "  integrated         " << fmt(num("integrated_lufs")) << " LUFS\n"
            << "  loudness range     " << fmt(num("lra")) << " LU\n"
            << "  max short-term     " << fmt(num("max_short_term_lufs")) << " LUFS\n"
            << "  true peak          " << fmt(num("true_peak_dbtp"), 2) << " dBTP\n"
            << "  noise / voice      " << fmt(num("noise_to_voice_db")) << " dB\n"
            << "  L/R balance        " << fmt(num("balance_db"), 2) << " dB\n"
            << "  mid/side           " << fmt(num("mid_side_db")) << " dB\n"
            << "  DC offset          " << num("dc_offset") << "\n";
  if (q.contains("bpm")) {
    const double bpm = num("bpm"), confidence = num("bpm_confidence");
    std::cout << "  tempo              ";
    if (bpm <= 0.0) {
      std::cout << "none found\n";
    } else {
      const bool reliable = confidence >= tempo::kMinConfidence;
      std::cout << fmt(bpm, 2) << " BPM (confidence " << fmt(confidence, 2)
                << (reliable ? ")" : ", unreliable: maybe no beat)") << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vocalmix — clean, centred, stable vocal mixes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("vocalmix ") + VOCALMIX_VERSION);

  std::string in, out, presetArg = "modern_clean", reportPath, formatArg = "wav24";
  std::vector<std::string> sets;
  std::optional<double> target, ceiling;
  auto* render = app.add_subcommand("render", "Mix a vocal with a preset and write the delivery file");
  render->add_option("input", in, "Vocal file (WAV, AIFF, FLAC, OGG, …)")->required();
  render->add_option("-p,--preset", presetArg, "Bundled preset name or path to a preset JSON")->required();
  render->add_option("-o,--output", out, "Output file")->required();
  std::string beat;
  render->add_option("--beat", beat, "Instrumental to mix under the vocal (any rate; the mix runs at the vocal's)");
  render->add_option("--set", sets, "Override a parameter: ID=VALUE (repeatable)");
  render->add_option("--target-lufs", target, "Integrated loudness target (default: the preset's)");
  render->add_option("--ceiling", ceiling, "True-peak ceiling in dBTP (default -1)");
  render->add_option("--format", formatArg, "wav16 | wav24 | wav32f | flac")->capture_default_str();
  render->add_option("--report", reportPath, "Write the quality report as JSON to this file");

  std::string analyzePath;
  bool analyzeJson = false;
  auto* analyze = app.add_subcommand("analyze", "Quality report of any audio file");
  analyze->add_option("file", analyzePath, "Audio file")->required();
  analyze->add_flag("--json", analyzeJson, "Print JSON");

  auto* presets = app.add_subcommand("presets", "List the bundled presets");
  bool paramsJson = false;
  auto* params = app.add_subcommand("params", "Print the parameter schema");

  std::string matchIn, matchReference, matchOut, matchAmount, matchReport;
  auto* match = app.add_subcommand("match", "Match a reference (beta): fit a preset so your vocal sounds like a reference");
  match->add_option("input", matchIn, "Your vocal")->required();
  match->add_option("--reference", matchReference, "A finished song or an a-cappella you like")->required();
  match->add_option("-o,--output", matchOut, "Where to write the fitted preset (JSON; use it with render -p)")->required();
  match->add_option("--amount", matchAmount, "How far to go, percent per aspect: tone=100,dynamics=80,space=50,loudness=100");
  match->add_option("--report", matchReport, "Write the full match report (measurements, every change and why) as JSON");
  params->add_flag("--json", paramsJson, "Print JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    if (*render) {
      render::RenderRequest req;
      req.inputPath = in;
      req.outputPath = out;
      req.beatPath = beat;
      req.preset = resolvePreset(presetArg);
      for (const auto& s : sets) setParamFromAssignment(req.preset.params, s);
      // The delay follows the music's tempo unless the user (or their preset file) chose one.
      const bool tempoChosen =
          std::any_of(sets.begin(), sets.end(), [](const std::string& s) { return s.rfind("delay.bpm=", 0) == 0; }) ||
          req.preset.toJson()["params"].contains("delay.bpm");
      req.detectTempo = !tempoChosen;
      req.targetLufs = target;
      req.ceilingDbtp = ceiling;
      req.format = io::parseOutputFormat(formatArg);
      ProgressBar bar;
      req.progress = [&bar](double f, const std::string& stage) { bar(f, stage); };
      const json report = render::renderFile(req);
      if (!reportPath.empty()) writeJsonFile(reportPath, report);
      std::cout << "wrote " << out << " (" << report["format"].get<std::string>() << ", "
                << report["output"]["sample_rate"] << " Hz) with preset " << req.preset.name
                << "\n  loudness " << fmt(report["output"]["integrated_lufs"].get<double>())
                << " LUFS (target " << fmt(report["target_lufs"].get<double>()) << "), true peak "
                << fmt(report["output"]["true_peak_dbtp"].get<double>(), 2) << " dBTP (ceiling "
                << fmt(report["ceiling_dbtp"].get<double>()) << "), "
                << fmt(report["realtime_factor"].get<double>(), 0) << "x real time\n";
      for (const auto& note : report["notes"]) std::cout << "  note: " << note.get<std::string>() << "\n";
    } else if (*analyze) {
      const json report = render::analyzeFile(analyzePath);
      if (analyzeJson) {
        std::cout << report.dump(2) << "\n";
      } else {
        std::cout << analyzePath << "\n";
        printQuality(report);
      }
    } else if (*match) {
      const render::MatchAmounts amounts = render::parseMatchAmounts(matchAmount);
      const render::MatchResult m = render::matchFiles(matchIn, matchReference, amounts);
      writeJsonFile(matchOut, m.preset.toJson(), "preset file");
      if (!matchReport.empty()) writeJsonFile(matchReport, m.report);
      const json& r = m.report;
      std::cout << "wrote " << matchOut << ": preset '" << m.preset.name << "' based on "
                << r["base_preset"].get<std::string>() << " (beta)\n  envelope distance to the reference "
                << fmt(r["before"]["envelope_distance_db"].get<double>(), 2) << " dB with "
                << r["base_preset"].get<std::string>() << ", " << fmt(r["after"]["envelope_distance_db"].get<double>(), 2)
                << " dB matched\n";
      for (const auto& line : r["summary"]) std::cout << "  " << line.get<std::string>() << "\n";
      for (const auto& note : r["notes"]) std::cout << "  note: " << note.get<std::string>() << "\n";
      std::cout << "  render with: vocalmix render " << matchIn << " -p " << matchOut << " -o OUT.wav\n";
    } else if (*presets) {
      for (const auto& p : bundledPresets()) {
        std::cout << p.name << std::string(p.name.size() < 18 ? 18 - p.name.size() : 1, ' ')
                  << p.description << "\n";
      }
    } else if (*params) {
      if (paramsJson) {
        std::cout << schemaJson().dump(2) << "\n";
      } else {
        for (const auto& s : paramSpecs()) {
          std::cout << s.id << std::string(s.id.size() < 24 ? 24 - s.id.size() : 1, ' ') << s.label;
          if (s.isChoice()) {
            std::string list;
            for (const auto& c : s.choices()) list += (list.empty() ? "" : "|") + c;
            std::cout << " [" << list << "] default " << describeValue(ParamId(&s - paramSpecs().data()), s.defaultValue);
          } else {
            std::cout << " [" << s.min << " … " << s.max << (s.unit.empty() ? "" : " ") << s.unit
                      << "] default " << s.defaultValue;
          }
          std::cout << "\n";
        }
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "vocalmix: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
