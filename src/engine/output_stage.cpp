#include "engine/output_stage.h"

#include <cmath>

#include "dsp/dmath.h"
#include "dsp/pair.h"

namespace vocalmix {

void OutputStage::prepare(double sampleRate, int maxBlock) {
  gain_.prepare(sampleRate, 0.050);
  gain_.snap(dmath::dbToGain(gainDb_));
  // 5 ms lookahead: a slower attack keeps the gain change itself from creating new
  // inter-sample peaks when the limiter works hard (loud targets), and distorts less.
  limiter_.setLookahead(Milliseconds{kLookaheadMs});
  limiter_.setRelease(Milliseconds{kReleaseMs});
  limiter_.prepare(sampleRate, maxBlock);

  dc_.setCorner(Hz{kDcCornerHz});
  dc_.prepare(sampleRate, maxBlock);
}

void OutputStage::reset() {
  gain_.snap(gain_.target());
  limiter_.reset();
  dc_.reset();
}

void OutputStage::setGainDb(double db) {
  gainDb_ = db;
  gain_.setTarget(dmath::dbToGain(db));
}

void OutputStage::setCeilingDbtp(double dbtp) {
  limiter_.setCeiling(Decibels{dbtp - kTruePeakMarginDb});
}

void OutputStage::process(double* left, double* right, int n) {
  if (gain_.isSmoothing()) {
    for (int i = 0; i < n; ++i) {
      const double g = gain_.next();
      left[i] *= g;
      right[i] *= g;
    }
  } else {  // the same products with the settled gain, two frames at a time
    const double g = gain_.current();
    const Pair gg = splat(g);
    int i = 0;
    for (; i + 2 <= n; i += 2) {
      storePair(left + i, loadPair(left + i) * gg);
      storePair(right + i, loadPair(right + i) * gg);
    }
    for (; i < n; ++i) {
      left[i] *= g;
      right[i] *= g;
    }
  }
  limiter_.process(left, right, n);
  // Gain changes on asymmetric waveforms (limiting, fast compression) leave a little DC; the
  // blockers take it out after the limiter. Their corner is low (2 Hz) so the phase shift they
  // add to bass notes barely moves the peaks the limiter has just set.
  dc_.process(left, right, n);
  // Anything under -400 dB becomes exact digital silence (flushBelow keeps NaN, as fabs would).
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    storePair(left + i, flushBelow(loadPair(left + i), 1e-20));
    storePair(right + i, flushBelow(loadPair(right + i), 1e-20));
  }
  for (; i < n; ++i) {
    if (std::fabs(left[i]) < 1e-20) left[i] = 0.0;
    if (std::fabs(right[i]) < 1e-20) right[i] = 0.0;
  }
}

}  // namespace vocalmix
