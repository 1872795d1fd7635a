// Match a reference (beta) — sets the engine's own parameters so the client's vocal sounds like
// a reference they love, and explains every move. Independent of files (like the offline mix),
// so the WASM build runs exactly the same fit on audio held in memory:
//
//   profile reference → profile vocal → closest bundled preset → closed-loop fit → blend by amount
//
// The fit renders (a ≤ kMatchFitSeconds excerpt of) the vocal through the real offline mix and
// compares its AudioProfile with the reference's, kMatchRounds rounds:
//   tone      EQ gains (low shelf, mud/mid/presence bells, air shelf) by regularised least
//             squares to the smoothed 1/3-octave difference plus the current EQ and high-pass
//             curves, within the schema's ±12 dB, for the best shape: band frequencies, bell Qs
//             and the high-pass frequency searched on grids inside the schema's ranges.
//   dynamics  compressor threshold (then ratio) by secant steps toward the reference's level
//             spread (how far loud moments stand above the typical level; the crest factor is
//             reported too, but it also moves with the tone, so it is not what the compressor is
//             steered by).
//   space     reverb and delay sends toward the reference's side/mid ratio (a stereo reference
//             with side content) or its reverb tail after phrase ends (a mono one).
//   loudness  output target = the reference's integrated loudness, within the schema's range and
//             at most kMatchMaxTargetBelowCeiling below the true-peak ceiling.
// The best-scoring round wins; each aspect then moves from the base preset toward the fit by its
// amount (0–100 %). The delay follows the reference's tempo when it has a clear beat.
// Deterministic (dmath, RealFft, quantised decisions): native == WASM, bit for bit.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "analysis/audio_profile.h"
#include "engine/preset.h"
#include "render/offline_mix.h"

namespace vocalmix::render {

inline constexpr double kMatchFitSeconds = 30.0;
inline constexpr double kMatchMaxTargetBelowCeiling = 5.0;
inline constexpr int kMatchRounds = 4;

// A problem with the match request or its audio (silent reference, bad amount…).
struct MatchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Per-aspect amounts in percent, 0–100.
struct MatchAmounts {
  double tone = 100.0;
  double dynamics = 100.0;
  double space = 100.0;
  double loudness = 100.0;
};

// "tone=100,dynamics=80,space=50,loudness=100" (any subset, any order). Throws MatchError
// naming an unknown key, a value that is not a number, or one outside 0–100.
MatchAmounts parseMatchAmounts(const std::string& text);
// {"tone": 100, …} (any subset); the same checks.
MatchAmounts matchAmountsFromJson(const nlohmann::json& j);
nlohmann::json toJson(const MatchAmounts& a);

struct MatchResult {
  Preset preset;           // a regular preset ("matched"), based on the closest bundled one
  nlohmann::json report;   // what changed and why, with the measurements behind it
};

// The profile of a whole source (or its first maxFrames), channels folded as the chain folds
// them (mono → L = R, more than two → their mean on both).
analysis::AudioProfile profileSource(FrameSource& source, int64_t maxFrames = -1);
nlohmann::json toJson(const analysis::AudioProfile& p);

// Throws MatchError (silent or non-finite audio, unsupported vocal rate) with a message naming
// `vocalName` / `referenceName`.
MatchResult matchReference(FrameSource& vocal, FrameSource& reference, const MatchAmounts& amounts,
                           const std::string& vocalName, const std::string& referenceName);

}  // namespace vocalmix::render
