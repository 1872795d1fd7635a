// Runs the vocalmix CLI (VOCALMIX_CLI, set by tests/CMakeLists.txt) as a user would, stderr
// folded into the output, for the CLI test files.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace vocalmix::testing {

struct CliRun {
  int exitCode;
  std::string output;
};

inline CliRun runCli(const std::string& args) {
  const std::string cmd = std::string(VOCALMIX_CLI) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace vocalmix::testing
