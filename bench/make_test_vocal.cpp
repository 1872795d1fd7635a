// make_test_vocal — writes a raw-take-like vocal (recorded speech, pauses, pink noise, hum,
// unbalanced stereo) for demos and benchmarks.
//   make_test_vocal OUT.wav [SECONDS] [SAMPLE_RATE]
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "support/test_vocal.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: make_test_vocal OUT.wav [SECONDS] [SAMPLE_RATE]\n");
    return 2;
  }
  vocalmix::testing::TestVocalOptions o;
  if (argc > 2) o.seconds = std::atof(argv[2]);
  if (argc > 3) o.sampleRate = std::atoi(argv[3]);
  try {
    vocalmix::testing::writeTestVocal(argv[1], o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_test_vocal: %s\n", e.what());
    return 1;
  }
  return 0;
}
