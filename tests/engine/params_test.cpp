// The schema and presets: one table, validation that names the problem, bundled presets that
// load and differ.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/preset.h"

using namespace vocalmix;
using Catch::Matchers::Contains;

TEST_CASE("schema ids are unique, defaults lie within range", "[params]") {
  std::set<std::string_view> ids;
  for (const auto& s : paramSpecs()) {
    INFO(s.id);
    CHECK(ids.insert(s.id).second);
    CHECK(s.min < s.max);
    CHECK(s.defaultValue >= s.min);
    CHECK(s.defaultValue <= s.max);
    if (s.isChoice()) CHECK(static_cast<int>(s.choices().size()) == static_cast<int>(s.max - s.min) + 1);
  }
  CHECK(schemaJson().size() == static_cast<size_t>(kParamCount));
  CHECK(schemaJson()[0].contains("smoothing_ms"));
}

TEST_CASE("validation errors name the parameter and the value", "[params]") {
  ParamSet p;
  CHECK_THROWS_WITH(p.set("eq.presense.gain_db", 3), Contains("unknown parameter 'eq.presense.gain_db'") && Contains("eq.presence.gain_db"));
  CHECK_THROWS_WITH(p.set("comp.ratio", 50), Contains("comp.ratio") && Contains("50") && Contains("[1, 20]"));
  CHECK_THROWS_WITH(p.set("reverb.type", 1.5), Contains("reverb.type"));
  CHECK_THROWS_WITH(p.set("comp.ratio", std::nan("")), Contains("not a finite number"));
  CHECK_THROWS_WITH(setParamFromAssignment(p, "reverb.type=cathedral"), Contains("'cathedral' is not one of") && Contains("'hall'"));
  CHECK_THROWS_WITH(setParamFromAssignment(p, "nonsense"), Contains("expected ID=VALUE"));
  setParamFromAssignment(p, "reverb.type=hall");
  CHECK(p.get(ParamId::ReverbType) == 2);
  setParamFromAssignment(p, "comp.ratio=4.5");
  CHECK(p.get(ParamId::CompRatio) == 4.5);
}

TEST_CASE("preset JSON: only differences, validated, round-trips", "[params]") {
  const auto p = Preset::fromJsonText(R"({"name":"x","description":"d","params":{"sat.on":true,"reverb.type":"room","eq.air.gain_db":2}})", "test");
  CHECK(p.params.get(ParamId::SatOn) == 1);
  CHECK(p.params.get(ParamId::ReverbType) == 1);
  const auto j = p.toJson();
  CHECK(j["params"].size() == 3);
  CHECK(Preset::fromJson(j, "round trip").params == p.params);
  CHECK_THROWS_WITH(Preset::fromJsonText("{\"params\":{\"comp.ratio\":\"hard\"}}", "preset file 'a.json'"), Contains("preset file 'a.json'") && Contains("comp.ratio") && Contains("expected a number"));
  CHECK_THROWS_WITH(Preset::fromJsonText("{\"params\":", "preset file 'b.json'"), Contains("malformed JSON"));
  CHECK_THROWS_WITH(Preset::fromJsonText("{\"parms\":{}}", "p"), Contains("unknown key 'parms'"));
  CHECK_THROWS_WITH(Preset::fromJsonText("[1,2]", "p"), Contains("must be a JSON object"));
}

TEST_CASE("bundled presets load and are distinct", "[params]") {
  const auto& all = bundledPresets();
  REQUIRE(all.size() == 3);
  std::set<std::string> names;
  for (const auto& p : all) {
    names.insert(p.name);
    CHECK_FALSE(p.description.empty());
    CHECK(p.params.get(ParamId::DenoiseOn) == 1);
    CHECK(p.params.get(ParamId::DenoiseReduction) >= 6);
  }
  CHECK(names == std::set<std::string>{"modern_clean", "smooth_rnb", "trap_aggressive"});
  CHECK(bundledPreset("trap_aggressive").params.get(ParamId::CompRatio) > bundledPreset("modern_clean").params.get(ParamId::CompRatio));
  CHECK(bundledPreset("trap_aggressive").params.get(ParamId::OutputTarget) > bundledPreset("smooth_rnb").params.get(ParamId::OutputTarget));
  CHECK(bundledPreset("smooth_rnb").params.get(ParamId::ReverbType) == 2);
  CHECK_THROWS_WITH(bundledPreset("lofi"), Contains("unknown preset 'lofi'") && Contains("modern_clean"));
}
