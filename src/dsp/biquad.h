// Biquad — RBJ "Audio EQ Cookbook" second-order sections (transposed direct form II, double
// state), plus SmoothedBiquad, which glides frequency/gain/Q and redesigns the coefficients on
// a fixed 16-sample grid while gliding (click-free EQ moves, cheap when settled).
// Cost: 5 multiplies per sample; coefficient design uses dmath (deterministic).
#pragma once

#include <cmath>

#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

enum class FilterType { LowPass, HighPass, BandPass, Peak, LowShelf, HighShelf };

struct BiquadCoefficients {
  double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;  // a0 normalised to 1

  static BiquadCoefficients design(FilterType type, double sampleRate, double freqHz, double q,
                                   double gainDb);
  // |H(e^jω)| in dB at freqHz, evaluated from the coefficients (for meters and tests).
  double magnitudeDb(double sampleRate, double freqHz) const;
};

class Biquad {
 public:
  void setCoefficients(const BiquadCoefficients& c) { c_ = c; }
  const BiquadCoefficients& coefficients() const { return c_; }
  void reset() { s1_ = s2_ = 0.0; }
  // The two state values, for loops that run the same arithmetic in another form (two filters
  // as the lanes of one Pair, dsp/biquad_lanes.h) and store the state back afterwards.
  double state1() const { return s1_; }
  double state2() const { return s2_; }
  void setState(double s1, double s2) {
    s1_ = s1;
    s2_ = s2;
  }
  double process(double x) {
    const double y = c_.b0 * x + s1_;
    s1_ = c_.b1 * x - c_.a1 * y + s2_;
    s2_ = c_.b2 * x - c_.a2 * y;
    // Flush tiny state so it never goes denormal (WASM has no flush-to-zero). A low-corner
    // high-pass can still ring near 1e-28 forever, so processors that must end in exact zeros
    // floor their outputs at 1e-20 (-400 dB), a level this flush must stay below: at equal
    // thresholds a feedback loop containing a biquad was seen to sustain itself. Branch-free
    // form: the comparison mispredicts on noise.
    s1_ = std::fabs(s1_) < 1e-30 ? 0.0 : s1_;
    s2_ = std::fabs(s2_) < 1e-30 ? 0.0 : s2_;
    return y;
  }

 private:
  BiquadCoefficients c_;
  double s1_ = 0.0, s2_ = 0.0;
};

// A biquad whose frequency, Q and gain glide to new settings.
class SmoothedBiquad {
 public:
  void prepare(double sampleRate, FilterType type, double rampSeconds = 0.05);
  void reset();
  void setFrequency(Hz f) {
    freq_.setTarget(f.value);
    settled_ = false;
  }
  void setQ(double q) {
    q_.setTarget(q);
    settled_ = false;
  }
  void setGain(Decibels g) {
    gain_.setTarget(g.value);
    settled_ = false;
  }
  // Jump to the current targets (initialisation).
  void snapToTargets();
  double process(double x) {
    if (!settled_) advance();
    return filter_.process(x);
  }
  // Skips the filter for this sample when `idle` (its stage is settled off, or it is a settled
  // 0 dB bell/shelf); entering idle clears the state so resuming is the same whatever the
  // host's block size was. The decision is per sample, so output stays block-size invariant.
  double processUnlessIdle(double x, bool idle) {
    if (idle) {
      if (!idle_) {
        filter_.reset();
        idle_ = true;
      }
      return x;
    }
    idle_ = false;
    return process(x);
  }
  // A bell or shelf resting at 0 dB: mathematically the identity.
  bool isNeutral() const {
    return type_ != FilterType::LowPass && type_ != FilterType::HighPass &&
           type_ != FilterType::BandPass && !gain_.isSmoothing() && gain_.current() == 0.0;
  }
  const Biquad& filter() const { return filter_; }
  // No glide or redesign pending: process(x) is then exactly settledFilter().process(x), so a
  // processor may run a copy of the plain Biquad over a whole block (settings only change
  // between process calls) and store it back. Do not use the reference while !isSettled().
  bool isSettled() const { return settled_; }
  Biquad& settledFilter() { return filter_; }

 private:
  void advance();  // one sample of glide (redesigning on the 16-sample grid), or a pending redesign
  void redesign();
  Biquad filter_;
  FilterType type_ = FilterType::Peak;
  double sampleRate_ = 48000.0;
  Smoothed freq_, q_, gain_;
  unsigned counter_ = 0;
  bool dirty_ = true;
  bool settled_ = false;  // == !(dirty_ || any of freq_, q_, gain_ smoothing)
  bool idle_ = false;
};

}  // namespace vocalmix
