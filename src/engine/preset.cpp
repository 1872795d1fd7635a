// Preset parsing and validation, the compiled-in bundled presets, and the schema as JSON.
#include "engine/preset.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/bundled_presets.h"

namespace vocalmix {

using nlohmann::json;

namespace {

std::string kindOf(const json& v) {
  return std::string(v.type_name());
}

}  // namespace

void setParamFromJson(ParamSet& params, const std::string& id, const json& value,
                      const std::string& origin) {
  ParamId pid;
  try {
    pid = findParam(id);
  } catch (const ParamError& e) {
    throw ParamError(origin + ": " + e.what());
  }
  const ParamSpec& s = spec(pid);
  double v = 0.0;
  if (value.is_number()) {
    v = value.get<double>();
  } else if (value.is_boolean() && s.isChoice() && s.choiceList == "off|on") {
    v = value.get<bool>() ? 1.0 : 0.0;
  } else if (value.is_string() && s.isChoice()) {
    const auto names = s.choices();
    const std::string str = value.get<std::string>();
    auto it = std::find(names.begin(), names.end(), str);
    if (it == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + ("'" + n + "'");
      throw ParamError(origin + ": parameter '" + id + "': '" + str + "' is not one of " + list);
    }
    v = static_cast<double>(it - names.begin());
  } else {
    throw ParamError(origin + ": parameter '" + id + "': expected " +
                     (s.isChoice() ? "a choice name or index" : "a number") + ", got " +
                     kindOf(value));
  }
  try {
    params.set(pid, v);
  } catch (const ParamError& e) {
    throw ParamError(origin + ": " + e.what());
  }
}

void setParamFromAssignment(ParamSet& params, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == assignment.size()) {
    throw ParamError("--set '" + assignment + "': expected ID=VALUE, e.g. eq.presence.gain_db=3");
  }
  const std::string id = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  json value;
  char* end = nullptr;
  const double num = std::strtod(text.c_str(), &end);
  if (end != nullptr && *end == '\0') {
    value = num;
  } else {
    value = text;
  }
  setParamFromJson(params, id, value, "--set " + id);
}

Preset Preset::fromJson(const json& j, const std::string& origin) {
  if (!j.is_object()) {
    throw ParamError(origin + ": a preset must be a JSON object, got " + kindOf(j));
  }
  Preset p;
  for (const auto& [key, value] : j.items()) {
    if (key == "name") {
      if (!value.is_string()) throw ParamError(origin + ": 'name' must be a string");
      p.name = value.get<std::string>();
    } else if (key == "description") {
      if (!value.is_string()) throw ParamError(origin + ": 'description' must be a string");
      p.description = value.get<std::string>();
    } else if (key == "params") {
      if (!value.is_object()) throw ParamError(origin + ": 'params' must be an object");
    } else {
      throw ParamError(origin + ": unknown key '" + key +
                       "' (a preset has 'name', 'description' and 'params')");
    }
  }
  if (j.contains("params")) {
    for (const auto& [id, value] : j.at("params").items()) {
      setParamFromJson(p.params, id, value, origin);
    }
  }
  if (p.name.empty()) p.name = "custom";
  return p;
}

Preset Preset::fromJsonText(const std::string& text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ParamError(origin + ": malformed JSON: " + e.what());
  }
  return fromJson(j, origin);
}

Preset Preset::fromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ParamError("preset file '" + path + "': cannot be opened");
  std::ostringstream ss;
  ss << in.rdbuf();
  return fromJsonText(ss.str(), "preset file '" + path + "'");
}

json Preset::toJson() const {
  json params = json::object();
  const ParamSet defaults;
  for (int i = 0; i < kParamCount; ++i) {
    const auto id = static_cast<ParamId>(i);
    if (this->params.get(id) == defaults.get(id)) continue;
    const ParamSpec& s = spec(id);
    if (s.isChoice()) {
      params[std::string(s.id)] = describeValue(id, this->params.get(id));
    } else {
      params[std::string(s.id)] = this->params.get(id);
    }
  }
  return json{{"name", name}, {"description", description}, {"params", params}};
}

json Preset::fullParamsJson() const {
  json out = json::object();
  for (int i = 0; i < kParamCount; ++i) {
    out[std::string(paramSpecs()[i].id)] = params.get(static_cast<ParamId>(i));
  }
  return out;
}

const std::vector<Preset>& bundledPresets() {
  static const std::vector<Preset> presets = [] {
    std::vector<Preset> out;
    for (const auto& [name, text] : bundledPresetTexts()) {
      Preset p = Preset::fromJsonText(text, "bundled preset '" + name + "'");
      p.name = name;
      out.push_back(std::move(p));
    }
    return out;
  }();
  return presets;
}

const Preset& bundledPreset(const std::string& name) {
  std::string list;
  for (const auto& p : bundledPresets()) {
    if (p.name == name) return p;
    list += (list.empty() ? "" : ", ") + p.name;
  }
  throw ParamError("unknown preset '" + name + "' (available: " + list + ")");
}

json schemaJson() {
  json out = json::array();
  for (const auto& s : paramSpecs()) {
    json row = {{"id", s.id},
                {"label", s.label},
                {"unit", s.unit},
                {"min", s.min},
                {"max", s.max},
                {"default", s.defaultValue},
                {"scale", s.scale == Scale::Linear ? "lin" : s.scale == Scale::Log ? "log" : "choice"},
                {"smoothing_ms", s.smoothingMs},
                {"stage", s.stage}};
    if (s.isChoice()) row["choices"] = s.choices();
    out.push_back(row);
  }
  return out;
}

}  // namespace vocalmix
