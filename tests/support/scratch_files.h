// Scratch files for tests that write: a fresh, empty directory per test under the build tree's
// test-tmp (VOCALMIX_TEST_TMP), and a file's bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace vocalmix::testing {

inline std::filesystem::path scratchDir(const std::string& room, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(VOCALMIX_TEST_TMP) / room / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::vector<uint8_t> fileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace vocalmix::testing
