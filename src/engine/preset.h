// Preset — a named set of parameter values. A preset file names only what differs from the
// schema defaults; loading validates every entry and the error names the preset, the
// parameter and the bad value. The three bundled presets are compiled in (same text as
// presets/*.json), so the CLI, the server and the WASM build all see exactly the same presets.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "engine/params.h"

namespace vocalmix {

struct Preset {
  std::string name;
  std::string description;
  ParamSet params;

  // Parses a preset object:
  //   {"name": "...", "description": "...", "params": {"eq.presence.gain_db": 3, "reverb.type": "hall"}}
  // Choice parameters take a choice name or an index; toggles also take true/false.
  // `origin` names the source in error messages (a file path or "preset 'x'").
  static Preset fromJson(const nlohmann::json& j, const std::string& origin);
  static Preset fromJsonText(const std::string& text, const std::string& origin);
  static Preset fromFile(const std::string& path);

  // Only the values that differ from the defaults, as a preset file would hold them.
  nlohmann::json toJson() const;
  // Every parameter with its value (for reports).
  nlohmann::json fullParamsJson() const;
};

// Sets one parameter from a JSON value (number, choice name, bool) with validation.
void setParamFromJson(ParamSet& params, const std::string& id, const nlohmann::json& value,
                      const std::string& origin);
// Parses "ID=VALUE" (the CLI's --set); VALUE is a number or a choice name.
void setParamFromAssignment(ParamSet& params, const std::string& assignment);

// The presets shipped with vocalmix, in a fixed order.
const std::vector<Preset>& bundledPresets();
// A bundled preset by name; throws ParamError listing the available names.
const Preset& bundledPreset(const std::string& name);

// The schema as JSON (for `vocalmix params --json`, GET /api/params and the web UI).
nlohmann::json schemaJson();

}  // namespace vocalmix
