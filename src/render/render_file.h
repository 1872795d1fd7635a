// renderFile — the native delivery: read a file (libsndfile), run the offline mix, dither to
// the output word length, write atomically (temp file + rename) and return the quality report.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/preset.h"
#include "io/audio_file.h"
#include "render/offline_mix.h"

namespace vocalmix::render {

// A problem with the request or the input (bad file, bad preset, non-finite samples, …).
struct RenderError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RenderRequest {
  std::string inputPath;
  std::string outputPath;
  std::string beatPath;                // optional instrumental mixed under the vocal
  // Detect the delay's tempo (from the beat, else the vocal) — the callers turn this off when
  // the user chose delay.bpm.
  bool detectTempo = false;
  Preset preset;                       // values already include any --set overrides
  std::optional<double> targetLufs;    // overrides the preset's output.target_lufs
  std::optional<double> ceilingDbtp;   // overrides output.ceiling_dbtp
  io::OutputFormat format = io::OutputFormat::Wav24;
  Progress progress;
};

// Throws RenderError / io::IoError / ParamError with a message naming the problem; on any
// failure no output file is left behind.
nlohmann::json renderFile(const RenderRequest& request);

// The quality report of any file (`vocalmix analyze`).
nlohmann::json analyzeFile(const std::string& path);

}  // namespace vocalmix::render
