// Generated drum patterns with a known tempo, for the tempo tests (tests/analysis/tempo_test.cpp)
// and the aubio comparison (bench/tempo_bench.sh via bench/make_drum_patterns.cpp) — one
// generator for both. Synthesised kit: kick = decaying sine sweep 160 → 48 Hz with a click,
// snare = noise burst + 185 Hz tone, hats = short high-passed noise (open hat: longer). Patterns
// are written on a 16-step grid per bar, straight or swung (8ths or 16ths), with seeded velocity
// and ±3 ms timing humanisation, optionally with the recorded speech of support/test_vocal.h on
// top. Header-only (test material: std:: math is fine here).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "support/test_vocal.h"

namespace vocalmix::testing {

struct DrumPattern {
  std::string name;
  double bpm = 120.0;      // quarter notes per minute: the true tempo
  int sampleRate = 48000;
  // 16 steps per bar (16th notes): 'x' hit, 'o' accented (snare) or open (hat), '.' rest.
  std::string kick, snare, hat;
  // Swing: 0 = straight. Otherwise the off-beat of each pair is moved to this fraction of the
  // pair (0.5 = straight, 0.667 = triplet feel); swingSixteenths picks 16th pairs, else 8th pairs.
  double swing = 0.0;
  bool swingSixteenths = false;
  bool voice = false;       // recorded speech on top (level close to the drums)
  double seconds = 24.0;
  uint64_t seed = 1;
};

// The test set: 28 patterns, 70–180 BPM, rock/pop/funk/house/hip-hop/dembow/shuffle/dnb/punk
// (skank beat) feels, straight and swung, 8 with a voice on top, 9 at 44.1 kHz, 24 s each.
inline std::vector<DrumPattern> drumPatternSet() {
  // clang-format off
  const std::string rockK  = "x.......x.x.....", rockS  = "....x.......x...", hat8   = "x.x.x.x.x.x.x.x.";
  const std::string hat16  = "xxxxxxxxxxxxxxxx", hat4   = "x...x...x...x...";
  const std::string boomK  = "x......x..x.....", boomS  = "....x.......x...";
  const std::string funkK  = "x..x..x...x..x..", funkS  = "....x..x.x..x...";
  const std::string houseK = "x...x...x...x...", houseS = "....x.......x...", houseH = "x.o.x.o.x.o.x.o.";
  const std::string dnbK   = "x.........x.....", dnbS   = "....x.......x...";
  const std::string punkK  = "x...x...x...x...", punkS  = "..x...x...x...x.";  // the skank beat
  const std::string shufK  = "x.......x.......", shufS  = "....x.......x...";
  const std::string balK   = "x.........x.....", balS   = "....x.......x...";
  const std::string dembK  = "x...x...x...x...", dembS  = "...x..x....x..x.";
  const std::string popK   = "x.....x.x.......", popS   = "....x.......x...";
  // clang-format on
  std::vector<DrumPattern> v;
  auto add = [&](std::string name, double bpm, int rate, const std::string& k,
                 const std::string& s, const std::string& h, double swing, bool swing16,
                 bool voice) {
    DrumPattern p;
    p.name = std::move(name);
    p.bpm = bpm;
    p.sampleRate = rate;
    p.kick = k;
    p.snare = s;
    p.hat = h;
    p.swing = swing;
    p.swingSixteenths = swing16;
    p.voice = voice;
    p.seed = v.size() + 1;
    v.push_back(p);
  };
  add("ballad 16ths", 70, 48000, balK, balS, hat16, 0, false, false);
  add("shuffle 8ths swung", 72, 44100, shufK, shufS, hat8, 0.667, false, false);
  add("ballad 16ths + voice", 76, 48000, balK, balS, hat16, 0, false, true);
  add("boom-bap 16ths swung", 80, 48000, boomK, boomS, hat16, 0.6, true, false);
  add("boom-bap 8ths swung + voice", 84, 44100, boomK, boomS, hat8, 0.62, false, true);
  add("boom-bap 16ths swung", 88, 48000, boomK, boomS, hat16, 0.58, true, false);
  add("dembow 8ths", 92, 48000, dembK, dembS, hat8, 0, false, false);
  add("shuffle 8ths swung + voice", 96, 48000, shufK, shufS, hat8, 0.65, false, true);
  add("pop 8ths", 100, 44100, popK, popS, hat8, 0, false, false);
  add("funk 16ths", 104, 48000, funkK, funkS, hat16, 0, false, false);
  add("funk 16ths swung + voice", 108, 48000, funkK, funkS, hat16, 0.57, true, true);
  add("pop 8ths", 112, 48000, popK, popS, hat8, 0, false, false);
  add("rock 8ths + voice", 116, 44100, rockK, rockS, hat8, 0, false, true);
  add("house", 120, 48000, houseK, houseS, houseH, 0, false, false);
  add("house 16ths swung", 124, 44100, houseK, houseS, hat16, 0.56, true, false);
  add("rock 8ths", 128, 48000, rockK, rockS, hat8, 0, false, false);
  add("shuffle 8ths swung", 132, 48000, shufK, shufS, hat8, 0.667, false, false);
  add("rock 8ths + voice", 136, 48000, rockK, rockS, hat8, 0, false, true);
  add("pop 16ths", 140, 44100, popK, popS, hat16, 0, false, false);
  add("rock quarters", 145, 48000, rockK, rockS, hat4, 0, false, false);
  add("punk 8ths", 150, 48000, punkK, punkS, hat8, 0, false, false);
  add("rock 8ths swung + voice", 155, 44100, rockK, rockS, hat8, 0.6, false, true);
  add("punk 8ths", 160, 48000, punkK, punkS, hat8, 0, false, false);
  add("dnb 8ths", 165, 48000, dnbK, dnbS, hat8, 0, false, false);
  add("dnb 16ths", 170, 44100, dnbK, dnbS, hat16, 0, false, false);
  add("dnb 8ths + voice", 174, 48000, dnbK, dnbS, hat8, 0, false, true);
  add("punk quarters", 177, 44100, punkK, punkS, hat4, 0, false, false);
  add("dnb 8ths swung", 180, 48000, dnbK, dnbS, hat8, 0.58, false, false);
  return v;
}

namespace drum_detail {

struct Rng {  // xorshift64: seeded, identical everywhere
  uint64_t s;
  double uniform() {  // [-1, 1)
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<double>(s >> 11) / 4503599627370496.0 - 1.0;
  }
};

constexpr double kPi = 3.14159265358979323846;

// Adds one hit starting at sample `at` into mono `out`.
inline void addKick(std::vector<double>& out, int64_t at, double gain, int rate) {
  const auto len = static_cast<int64_t>(0.35 * rate);
  double phase = 0.0;
  for (int64_t i = 0; i < len && at + i < static_cast<int64_t>(out.size()); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double f = 48.0 + 112.0 * std::exp(-t / 0.035);
    phase += 2.0 * kPi * f / rate;
    const double click = std::exp(-t / 0.002) * 0.3;
    out[static_cast<size_t>(at + i)] += gain * (std::sin(phase) * std::exp(-t / 0.12) + click);
  }
}

inline void addSnare(std::vector<double>& out, int64_t at, double gain, int rate, Rng& rng) {
  const auto len = static_cast<int64_t>(0.25 * rate);
  double prev = 0.0;
  for (int64_t i = 0; i < len && at + i < static_cast<int64_t>(out.size()); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double w = rng.uniform();
    const double noise = w - 0.6 * prev;  // gentle tilt to the highs
    prev = w;
    const double tone = std::sin(2.0 * kPi * 185.0 * t) * std::exp(-t / 0.05);
    out[static_cast<size_t>(at + i)] += gain * (0.55 * noise * std::exp(-t / 0.07) + 0.6 * tone);
  }
}

inline void addHat(std::vector<double>& out, int64_t at, double gain, int rate, Rng& rng,
                   bool open) {
  const double decay = open ? 0.16 : 0.025;
  const auto len = static_cast<int64_t>((open ? 0.5 : 0.12) * rate);
  // Noise through a 2nd-order difference (a high-pass of +12 dB/oct below ~fs/4).
  double x1 = 0.0, x2 = 0.0;
  for (int64_t i = 0; i < len && at + i < static_cast<int64_t>(out.size()); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double w = rng.uniform();
    const double hp = 0.25 * (w - 2.0 * x1 + x2);
    x2 = x1;
    x1 = w;
    out[static_cast<size_t>(at + i)] += gain * hp * std::exp(-t / decay);
  }
}

}  // namespace drum_detail

// Renders the pattern (interleaved, `channels` identical channels, float); bars repeat for
// p.seconds. Peak level about −3 dBFS.
inline std::vector<float> renderDrumPattern(const DrumPattern& p, int channels = 2) {
  using namespace drum_detail;
  const int rate = p.sampleRate;
  const auto frames = static_cast<int64_t>(p.seconds * rate);
  std::vector<double> mono(static_cast<size_t>(frames), 0.0);
  Rng rng{p.seed * 0x9E3779B97F4A7C15ULL + 7};
  const double beat = 60.0 / p.bpm;  // seconds
  const double bar = 4.0 * beat;
  for (int64_t b = 0; b * bar < p.seconds; ++b) {
    for (int step = 0; step < 16; ++step) {
      // Position within the beat (0..1) with swing applied.
      double pos = (step % 4) / 4.0;
      if (p.swing > 0.0) {
        if (p.swingSixteenths && step % 2 == 1) pos = (step % 4 - 1) / 4.0 + p.swing * 0.5;
        if (!p.swingSixteenths && step % 4 == 2) pos = p.swing;
      }
      const double onBeatTime = 0.5 + b * bar + (step / 4) * beat + pos * beat;
      auto hitAt = [&](double jitterMs) {
        return static_cast<int64_t>(std::llround((onBeatTime + jitterMs * 1e-3) * rate));
      };
      const double velocity = 0.85 + 0.15 * rng.uniform();
      const bool downbeat = step % 4 == 0;
      if (p.kick[static_cast<size_t>(step)] != '.') {
        addKick(mono, hitAt(3.0 * rng.uniform()), 0.8 * velocity, rate);
      }
      if (p.snare[static_cast<size_t>(step)] != '.') {
        const double g = p.snare[static_cast<size_t>(step)] == 'o' || downbeat ? 0.7 : 0.45;
        addSnare(mono, hitAt(3.0 * rng.uniform()), g * velocity, rate, rng);
      }
      const char h = p.hat[static_cast<size_t>(step)];
      if (h != '.') {
        const double g = (downbeat ? 0.35 : step % 2 == 0 ? 0.28 : 0.2) * velocity;
        addHat(mono, hitAt(3.0 * rng.uniform()), g, rate, rng, h == 'o');
      }
    }
  }
  if (p.voice) {
    TestVocalOptions o;
    o.sampleRate = rate;
    o.seconds = p.seconds;
    o.channels = 1;
    o.noiseDbfs = -70.0;
    o.humDbfs = -90.0;
    o.pauseSeconds = 0.3;
    o.seed = p.seed;
    TestVocal v = makeTestVocal(o);
    // The alsa recordings peak near −6 dBFS: this puts the voice (pauses included) within ±3 dB
    // of the drums' RMS — a vocal on top of the beat, as in a mix.
    constexpr double kVoiceGain = 2.0;
    for (size_t i = 0; i < mono.size() && i < v.samples.size(); ++i) {
      mono[i] += kVoiceGain * v.samples[i];
    }
  }
  double peak = 0.0;
  for (double s : mono) peak = std::max(peak, std::fabs(s));
  const double scale = peak > 0.0 ? 0.7 / peak : 0.0;
  std::vector<float> out(static_cast<size_t>(frames) * channels);
  for (int64_t i = 0; i < frames; ++i) {
    for (int c = 0; c < channels; ++c) {
      out[static_cast<size_t>(i * channels + c)] =
          static_cast<float>(mono[static_cast<size_t>(i)] * scale);
    }
  }
  return out;
}

}  // namespace vocalmix::testing
