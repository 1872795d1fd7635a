#include "engine/output_stage.h"

#include <cmath>

#include "dsp/dmath.h"

namespace vocalmix {

void OutputStage::prepare(double sampleRate, int maxBlock) {
  gain_.prepare(sampleRate, 0.050);
  gain_.snap(dmath::dbToGain(gainDb_));
  // 5 ms lookahead: a slower attack keeps the gain change itself from creating new
  // inter-sample peaks when the limiter works hard (loud targets), and distorts less.
  limiter_.setLookahead(Milliseconds{kLookaheadMs});
  limiter_.setRelease(Milliseconds{80.0});
  limiter_.prepare(sampleRate, maxBlock);

  dcLeft_.setCorner(Hz{kDcCornerHz});
  dcRight_.setCorner(Hz{kDcCornerHz});
  dcLeft_.prepare(sampleRate, maxBlock);
  dcRight_.prepare(sampleRate, maxBlock);
}

void OutputStage::reset() {
  gain_.snap(gain_.target());
  limiter_.reset();
  dcLeft_.reset();
  dcRight_.reset();
}

void OutputStage::setGainDb(double db) {
  gainDb_ = db;
  gain_.setTarget(dmath::dbToGain(db));
}

void OutputStage::setCeilingDbtp(double dbtp) {
  limiter_.setCeiling(Decibels{dbtp - kTruePeakMarginDb});
}

void OutputStage::process(double* left, double* right, int n) {
  for (int i = 0; i < n; ++i) {
    const double g = gain_.next();
    left[i] *= g;
    right[i] *= g;
  }
  limiter_.process(left, right, n);
  // Gain changes on asymmetric waveforms (limiting, fast compression) leave a little DC; the
  // blockers take it out after the limiter. Their corner is low (2 Hz) so the phase shift they
  // add to bass notes barely moves the peaks the limiter has just set.
  dcLeft_.process(left, n);
  dcRight_.process(right, n);
  for (int i = 0; i < n; ++i) {
    if (std::fabs(left[i]) < 1e-20) left[i] = 0.0;
    if (std::fabs(right[i]) < 1e-20) right[i] = 0.0;
  }
}

}  // namespace vocalmix
