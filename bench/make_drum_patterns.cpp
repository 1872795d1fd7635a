// make_drum_patterns — writes the generated drum-pattern set of the tempo tests
// (tests/support/drum_patterns.h) as 16-bit stereo WAV files, plus manifest.tsv
// (file, true BPM, name), for bench/tempo_bench.sh.
//   make_drum_patterns OUT_DIR
#include <sndfile.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>

#include "support/drum_patterns.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_drum_patterns OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  try {
    std::ofstream manifest(dir + "/manifest.tsv");
    if (!manifest) throw std::runtime_error("cannot write " + dir + "/manifest.tsv");
    int index = 0;
    for (const auto& p : vocalmix::testing::drumPatternSet()) {
      if (p.voice && !vocalmix::testing::speechAvailable()) continue;
      char file[32];
      std::snprintf(file, sizeof file, "pattern_%02d.wav", ++index);
      const auto x = vocalmix::testing::renderDrumPattern(p, 2);
      SF_INFO info{};
      info.samplerate = p.sampleRate;
      info.channels = 2;
      info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
      const std::string path = dir + "/" + file;
      SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
      if (!f) throw std::runtime_error("cannot write " + path + ": " + sf_strerror(nullptr));
      sf_writef_float(f, x.data(), static_cast<sf_count_t>(x.size() / 2));
      sf_close(f);
      manifest << file << '\t' << p.bpm << '\t' << p.name << '\n';
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_drum_patterns: %s\n", e.what());
    return 1;
  }
  return 0;
}
