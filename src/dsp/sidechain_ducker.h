// SidechainDucker — how far to turn the beat down under the vocal: follows the vocal's level
// (peak envelope, 5 ms attack / 250 ms release) and maps it to a gain reduction that grows from
// 0 dB when the vocal is below -40 dBFS to the full depth at -20 dBFS and above, then smooths
// that gain (20 ms down, 300 ms back up) so the beat breathes instead of pumping.
// Cost: ~10 ns per sample. Latency: none (the chain delays the beat to match the vocal).
#pragma once

#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

class SidechainDucker {
 public:
  void prepare(double sampleRate, int maxBlock);
  void reset();
  void setDepth(Decibels maxReduction);  // 0..12 dB, glides
  // key: the vocal; gainDb: the beat's gain change per sample (<= 0), overwritten.
  void process(const double* key, double* gainDb, int n);

 private:
  Smoothed depth_;
  double envAttack_ = 0.0, envRelease_ = 0.0, gainAttack_ = 0.0, gainRelease_ = 0.0;
  double envelope_ = 0.0, gainDb_ = 0.0;
};

}  // namespace vocalmix
