// Compressor — feed-forward, log-domain design after Giannoulis, Massberg & Reiss, "Digital
// Dynamic Range Compressor Design — A Tutorial and Analysis" (JAES 2012): a soft-knee static
// gain computer on the instantaneous level in dB, then a smooth branching peak detector on the
// gain reduction (their recommended "log-domain, post gain computer" topology), then make-up.
// Also used slow (2:1, 80/800 ms) as the chain's leveller. Cost: one dmath::log and one
// dmath::exp per sample while compressing (~30 ns at 48 kHz on a 2020s x86 core), ~5 ns
// below the knee. Latency: none.
#pragma once

#include "dsp/dmath_pair.h"
#include "dsp/pair.h"
#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

class Compressor {
 public:
  Compressor();
  void prepare(double sampleRate, int maxBlock);
  void reset();

  void setThreshold(Decibels t);
  void setRatio(double r);     // 1..20
  void setKnee(Decibels w);    // 0..24 dB, total width centred on the threshold
  void setAttack(Milliseconds a);
  void setRelease(Milliseconds r);
  void setMakeup(Decibels m);  // manual, added to the automatic make-up
  // Automatic make-up = the static gain reduction at referenceLevel (a steady signal whose
  // detected level is the reference keeps its level).
  void setAutoMakeup(bool on, Decibels referenceLevel = Decibels{-18});

  void process(double* x, int n);

  double gainReductionDb() const { return reductionDb_; }  // current, >= 0

  // Output level (dB) for a steady input level (dB): the analytic curve, eq. (4) of the paper.
  static double staticCurveDb(double inDb, double thr, double ratio, double knee);

 private:
  static constexpr int kChunk = 64;
  void updateMakeupTarget();
  void updateCurve(double thr, double ratio, double knee);
  void processChunk(double* x, int n);
  static double coefficient(double ms, double sampleRate);

  double sampleRate_ = 48000.0;
  Smoothed threshold_, ratio_, knee_, makeup_;
  double attackMs_ = 10.0, releaseMs_ = 100.0;
  double attackCoef_ = 0.0, releaseCoef_ = 0.0;
  double manualMakeupDb_ = 0.0;
  bool autoMakeup_ = false;
  double referenceDb_ = -18.0;

  // Gain-computer constants for the current (possibly gliding) curve: the linear level below
  // which it is idle (knee start), 1 − 1/R, and (1 − 1/R)/(2W).
  double kneeStartLin_ = 0.0, slope_ = 0.0, kneeScale_ = 0.0;
  double reductionDb_ = 0.0;  // detector state y_L, >= 0
  double lastGainDb_ = 0.0, lastGain_ = 1.0;  // the last gain and its dB value
  double scratch_[kChunk] = {};  // per-chunk gain-computer output
  // The two-lane exp's and log's constants (dsp/dmath_pair.h) and the dB conversions', each in
  // both lanes, held as data so GCC uses them as memory operands instead of rebuilding each
  // splat inside the loops (same values, same bits, ~20 instructions less per pair).
  dmath::PairConstants pairConstants_;
  Pair dbToLn_ = splat(dmath::kLn10 / 20.0), twenty_ = splat(20.0), invLn10_ = splat(1.0 / dmath::kLn10);
};

}  // namespace vocalmix
