// Smoothed — a parameter that glides linearly to a new target over a fixed time, so changing a
// setting while audio plays never steps the signal (click-free preset switching). A linear
// ramp lands exactly on the target after a known number of samples, which keeps behaviour
// predictable and identical across builds. Cost: one add per sample while ramping.
#pragma once

#include <cmath>

namespace vocalmix {

class Smoothed {
 public:
  // rampSeconds: the time any change takes. Must be called before use; does not allocate.
  void prepare(double sampleRate, double rampSeconds) {
    rampSamples_ = static_cast<int>(std::floor(sampleRate * rampSeconds + 0.5));
    if (rampSamples_ < 1) rampSamples_ = 1;
    snap(target_);
  }
  // Jump to a value with no ramp (initialisation, reset).
  void snap(double v) {
    current_ = target_ = v;
    remaining_ = 0;
  }
  void setTarget(double v) {
    if (v == target_) return;
    target_ = v;
    remaining_ = rampSamples_;
    step_ = (target_ - current_) / rampSamples_;
  }
  double next() {
    if (remaining_ > 0) {
      current_ += step_;
      if (--remaining_ == 0) current_ = target_;
    }
    return current_;
  }
  double current() const { return current_; }
  double target() const { return target_; }
  bool isSmoothing() const { return remaining_ > 0; }

 private:
  double current_ = 0.0;
  double target_ = 0.0;
  double step_ = 0.0;
  int remaining_ = 0;
  int rampSamples_ = 1;
};

}  // namespace vocalmix
