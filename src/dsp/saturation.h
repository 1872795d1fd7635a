// Saturation — drive into a smooth odd soft-clipper (the [3/2] Padé approximant of tanh,
// clamped at ±1 where it meets the clamp with zero slope), run at 4× the sample rate through two
// cascaded linear-phase half-band FIR stages up and down (Kaiser-windowed sinc: 16 and 6
// coefficient pairs, ≈ −79 / −73 dB stop bands) so the harmonics it makes do not fold back as
// inharmonic aliases. Output is level-compensated so a −12 dBFS peak keeps its level at any
// drive; the dry path is delayed by the same latency so mix is phase-aligned.
// Cost: ~56 multiply-adds + 4 shaper divisions per sample (~28 ns). Latency: latency() (36).
#pragma once

#include <algorithm>

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

  double processSample(double x);
  void clearOversampler();
  double makeupFor(double driveDb) const;

  double a_[kPairsA] = {};  // stage A odd-tap coefficients (the centre tap is 1/2)
  double b_[kPairsB] = {};  // stage B
  // Histories as doubled rings (each sample stored twice) so every window is contiguous.
  double upA_[4 * kPairsA] = {};    // input samples, fs
  double upB_[4 * kPairsB] = {};    // 2·fs samples
  double downBPairs_[4 * kPairsB] = {};  // 4·fs samples feeding the symmetric taps
  double downBCentre_[kPairsB] = {};     // 4·fs samples feeding the centre tap
  double downAPairs_[4 * kPairsA] = {};
  double downACentre_[kPairsA] = {};
  int posUpA_ = 0, posUpB_ = 0, posDownBPairs_ = 0, posDownBCentre_ = 0;
  int posDownAPairs_ = 0, posDownACentre_ = 0;
  double dry_[kLatency] = {};  // the dry path's matching delay
  int dryPos_ = 0;
  bool idle_ = false;  // settled at mix 0: oversampler skipped

  Smoothed drive_, mix_;
  double driveGain_ = 1.0, makeup_ = 1.0;
};

}  // namespace vocalmix
