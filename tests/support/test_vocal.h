// Test material: real recorded speech from Debian's alsa-utils (/usr/share/sounds/alsa/*.wav),
// strung together with pauses, with pink noise, mains hum and an unbalanced stereo image added —
// the kind of raw take a client uploads. Streams, so it can make hour-long files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vocalmix::testing {

struct TestVocalOptions {
  int sampleRate = 48000;         // the recordings are 48 kHz; other rates are resampled
  double seconds = 0.0;           // 0: one pass over the recordings (~20 s)
  double noiseDbfs = -50.0;       // pink noise RMS
  double humDbfs = -48.0;         // 50 Hz hum with 2nd/3rd harmonics, RMS
  double rightGainDb = -4.0;      // stereo imbalance
  int channels = 2;
  double pauseSeconds = 0.8;
  uint64_t seed = 1;
};

bool speechAvailable();

class TestVocalGenerator {
 public:
  explicit TestVocalGenerator(const TestVocalOptions& o);
  int64_t totalFrames() const { return total_; }
  // Interleaved frames; voiced[i] = 1 where speech is present (may be null). Returns frames made.
  int next(float* interleaved, int frames, uint8_t* voiced = nullptr);

 private:
  TestVocalOptions o_;
  std::vector<std::vector<float>> clips_;
  int64_t total_ = 0, pos_ = 0;
  size_t clip_ = 0;
  double clipPos_ = 0.0;
  int64_t pauseLeft_ = 0;
  uint64_t rng_;
  double pink_[7] = {0, 0, 0, 0, 0, 0, 0};
};

struct TestVocal {
  int sampleRate = 0;
  int channels = 0;
  std::vector<float> samples;    // interleaved
  std::vector<uint8_t> voiced;   // per frame
};
TestVocal makeTestVocal(const TestVocalOptions& o = {});

// Writes the test vocal to a file (WAV float or 24-bit), streaming.
void writeTestVocal(const std::string& path, const TestVocalOptions& o, bool float32 = false);

// Writes `seconds` of digital silence as a 16-bit WAV (a file every analysis must refuse or
// report as silent).
void writeSilentWav(const std::string& path, int channels, double seconds, int sampleRate = 48000);

}  // namespace vocalmix::testing
