// The text of presets/*.json, compiled in by CMake (see cmake/embed_presets.cmake) so native and
// WASM builds carry identical presets without a filesystem.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vocalmix {

// (name, JSON text) pairs, sorted by name.
const std::vector<std::pair<std::string, std::string>>& bundledPresetTexts();

}  // namespace vocalmix
