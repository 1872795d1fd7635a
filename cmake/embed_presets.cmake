# Writes OUTPUT: a C++ file holding the text of every presets/*.json (sorted by name).
# Run at build time (add_custom_command) so editing a preset rebuilds the engine.
file(GLOB _presets "${PRESET_DIR}/*.json")
list(SORT _presets)
set(_body "")
foreach(_p ${_presets})
  get_filename_component(_name ${_p} NAME_WE)
  file(READ ${_p} _text)
  string(APPEND _body "      {\"${_name}\", R\"vmxpreset(${_text})vmxpreset\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from presets/*.json by cmake/embed_presets.cmake. Do not edit.
#include \"engine/bundled_presets.h\"

namespace vocalmix {

const std::vector<std::pair<std::string, std::string>>& bundledPresetTexts() {
  static const std::vector<std::pair<std::string, std::string>> texts = {
${_body}  };
  return texts;
}

}  // namespace vocalmix
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
