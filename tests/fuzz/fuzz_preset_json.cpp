// Fuzz target: preset and parameter text — a preset file / the "preset" object of a render
// request (Preset::fromJsonText), and "ID=VALUE" assignments (the CLI's --set). Bad input must
// end in ParamError with a message; anything else escaping, or a crash, is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/preset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const vocalmix::Preset p = vocalmix::Preset::fromJsonText(text, "fuzz");
    // What was accepted must survive its own round trip (what the server stores and re-reads).
    const vocalmix::Preset again = vocalmix::Preset::fromJson(p.toJson(), "round trip");
    if (!(again.params == p.params)) std::abort();
  } catch (const vocalmix::ParamError& e) {
    if (std::string(e.what()).empty()) std::abort();
  }
  // Every line as a --set assignment.
  vocalmix::ParamSet params;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    try {
      vocalmix::setParamFromAssignment(params, text.substr(start, end - start));
    } catch (const vocalmix::ParamError& e) {
      if (std::string(e.what()).empty()) std::abort();
    }
    start = end + 1;
  }
  return 0;
}
