// Saturation — drive into a smooth odd soft-clipper (the [3/2] Padé approximant of tanh,
// clamped at ±1 where it meets the clamp with zero slope), run at 4× the sample rate through two
// cascaded linear-phase half-band FIR stages up and down (Kaiser-windowed sinc: 16 and 6
// coefficient pairs, ≈ −79 / −73 dB stop bands) so the harmonics it makes do not fold back as
// inharmonic aliases. Output is level-compensated so a −12 dBFS peak keeps its level at any
// drive; the dry path is delayed by the same latency so mix is phase-aligned.
// Cost: ~56 multiply-adds + 4 shaper divisions per sample; while drive and mix rest, two input
// samples at a time with every filter and the shaper on Pair lanes (bit-identical to the
// one-sample step). Settled dry (bypass): a delay only. Latency: latency() (36).
#pragma once

#include <algorithm>
#include <cstddef>

#include "dsp/pair.h"
#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

class Saturation {
 public:
  static constexpr int kPairsA = 16;  // fs ↔ 2·fs half-band: pass 0–20 kHz, stop 28 kHz+ (at 48 kHz)
  static constexpr int kPairsB = 6;   // 2·fs ↔ 4·fs half-band: only has to reject 68 kHz+

  Saturation();
  void prepare(double sampleRate, int maxBlock);
  void reset();

  void setDrive(Decibels d);  // 0..24 dB
  void setMix(double m);      // 0 (dry) .. 1 (wet)

  void process(double* x, int n);
  int latency() const { return kLatency; }

  // The waveshaper itself, at unit drive (exposed for tests).
  // Branch-free: at ±3 the rational part is exactly ±1 (108/108), so clamping u first is the
  // same function.
  static double shape(double u) {
    const double c = std::min(3.0, std::max(-3.0, u));
    const double c2 = c * c;
    return c * (27.0 + c2) / (27.0 + 9.0 * c2);
  }

 private:
  // Up/down pairs are linear phase: stage A adds 2·kPairsA − 1 samples at 2·fs twice, stage B
  // 2·kPairsB − 1 at 4·fs twice; the decimation phases are chosen so the sum is whole samples.
  static constexpr int kLatency = 2 * kPairsA + kPairsB - 2;

  // History for a FIR window of W samples that takes up to E samples per step: a linear
  // buffer appended to, whose newest W + E samples move back to the front when it is full, so
  // the windows ending at each of the last E samples are contiguous and one slot apart (the
  // filters run two or four outputs side by side as Pair lanes).
  template <int W, int E>
  struct History {
    static constexpr int kKeep = W + E;
    static constexpr int kSize = kKeep + 128;
    double d[kSize] = {};
    std::ptrdiff_t len = kKeep;  // starts as kKeep zeros (pointer-sized: no widening per use)
    void push(double v) {
      if (len == kSize) shiftDown();
      d[len++] = v;
    }
    void push(Pair v) {  // v[0], then v[1]
      if (len + 2 > kSize) shiftDown();
      storePair(d + len, v);
      len += 2;
    }
    // The window (oldest first) ending at the sample pushed `back` pushes ago (0 = newest,
    // back < E); the windows ending at the newer ones follow at +1, +2, …
    const double* window(std::ptrdiff_t back) const { return d + len - back - W; }
    void shiftDown() {
      for (int k = 0; k < kKeep; ++k) d[k] = d[len - kKeep + k];
      len = kKeep;
    }
    void clear() {
      for (double& v : d) v = 0.0;
      len = kKeep;
    }
  };

  double processSample(double x);
  // Two consecutive input samples at once at a constant drive: the same arithmetic per sample
  // as processSample (bit-identical), with every filter running two or four outputs as lanes.
  void processTwo(const double* x, double* wet);
  void clearOversampler();
  double makeupFor(double driveDb) const;

  double a_[kPairsA] = {};  // stage A odd-tap coefficients (the centre tap is 1/2)
  double b_[kPairsB] = {};  // stage B
  Pair aLanes_[kPairsA] = {};  // the same, in both lanes of a Pair
  Pair bLanes_[kPairsB] = {};
  History<2 * kPairsA, 2> upA_;          // input samples, fs
  History<2 * kPairsB, 4> upB_;          // 2·fs samples
  History<2 * kPairsB, 4> downBPairs_;   // 4·fs samples feeding the symmetric taps
  History<kPairsB + 1, 4> downBCentre_;  // 4·fs samples feeding the centre tap (delay K_B)
  History<2 * kPairsA, 2> downAPairs_;   // 2·fs samples feeding the symmetric taps
  History<kPairsA, 2> downACentre_;      // 2·fs samples feeding the centre tap (delay K_A − 1)
  double dry_[kLatency] = {};  // the dry path's matching delay
  int dryPos_ = 0;
  bool idle_ = false;  // settled at mix 0: oversampler skipped

  Smoothed drive_, mix_;
  double driveGain_ = 1.0, makeup_ = 1.0;
};

}  // namespace vocalmix
