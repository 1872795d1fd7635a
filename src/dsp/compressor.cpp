// Gain computer and level detector follow Giannoulis, Massberg & Reiss (JAES 60(6), 2012):
//   static curve (soft knee of width W around threshold T, ratio R), eq. (4);
//   smooth branching peak detector, eq. (17), run on the gain reduction in dB, with
//   α = e^(−1/(τ·fs)) so a step reaches 1 − 1/e of its travel in τ.
// The detector runs on instantaneous |x|, so "level" means peak level: a sine whose peak is at
// the reference is the one auto make-up keeps in place (with attack ≪ release).
#include "dsp/compressor.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"

namespace vocalmix {
namespace {
constexpr double kRampSeconds = 0.05;
}  // namespace

double Compressor::staticCurveDb(double inDb, double thr, double ratio, double knee) {
  const double over = inDb - thr;
  if (2.0 * over <= -knee) return inDb;
  if (2.0 * over >= knee) return thr + over / ratio;
  const double k = over + 0.5 * knee;  // only reached with knee > 0
  return inDb + (1.0 / ratio - 1.0) * k * k / (2.0 * knee);
}

double Compressor::coefficient(double ms, double sampleRate) {
  const double samples = std::max(ms, 0.01) * 0.001 * sampleRate;
  return dmath::exp(-1.0 / samples);
}

Compressor::Compressor() {
  threshold_.snap(-18.0);
  ratio_.snap(3.0);
  knee_.snap(6.0);
  makeup_.snap(0.0);
}

void Compressor::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  for (Smoothed* s : {&threshold_, &ratio_, &knee_, &makeup_}) s->prepare(sampleRate, kRampSeconds);
  attackCoef_ = coefficient(attackMs_, sampleRate);
  releaseCoef_ = coefficient(releaseMs_, sampleRate);
  reset();
}

void Compressor::reset() {
  for (Smoothed* s : {&threshold_, &ratio_, &knee_, &makeup_}) s->snap(s->target());
  updateCurve(threshold_.current(), ratio_.current(), knee_.current());
  reductionDb_ = 0.0;
  lastGainDb_ = makeup_.current();
  lastGain_ = dmath::dbToGain(lastGainDb_);
}

void Compressor::setThreshold(Decibels t) {
  threshold_.setTarget(std::clamp(t.value, -80.0, 0.0));
  updateMakeupTarget();
}
void Compressor::setRatio(double r) {
  ratio_.setTarget(std::clamp(r, 1.0, 20.0));
  updateMakeupTarget();
}
void Compressor::setKnee(Decibels w) {
  knee_.setTarget(std::clamp(w.value, 0.0, 24.0));
  updateMakeupTarget();
}
void Compressor::setAttack(Milliseconds a) {
  attackMs_ = std::clamp(a.value, 0.01, 1000.0);
  attackCoef_ = coefficient(attackMs_, sampleRate_);
}
void Compressor::setRelease(Milliseconds r) {
  releaseMs_ = std::clamp(r.value, 1.0, 10000.0);
  releaseCoef_ = coefficient(releaseMs_, sampleRate_);
}
void Compressor::setMakeup(Decibels m) {
  manualMakeupDb_ = std::clamp(m.value, -24.0, 48.0);
  updateMakeupTarget();
}
void Compressor::setAutoMakeup(bool on, Decibels referenceLevel) {
  autoMakeup_ = on;
  referenceDb_ = std::clamp(referenceLevel.value, -60.0, 0.0);
  updateMakeupTarget();
}

// Make-up glides as one value; computed from the settings' targets, so during a glide it
// moves linearly while the curve moves (both land together after the same ramp).
void Compressor::updateMakeupTarget() {
  double m = manualMakeupDb_;
  if (autoMakeup_) {
    m += referenceDb_ - staticCurveDb(referenceDb_, threshold_.target(), ratio_.target(),
                                      knee_.target());
  }
  makeup_.setTarget(m);
}

void Compressor::updateCurve(double thr, double ratio, double knee) {
  kneeStartLin_ = dmath::dbToGain(thr - 0.5 * knee);
  slope_ = 1.0 - 1.0 / ratio;
  kneeScale_ = knee > 0.0 ? slope_ / (2.0 * knee) : 0.0;
}

void Compressor::process(double* x, int n) {
  for (int done = 0; done < n; done += kChunk) processChunk(x + done, std::min(kChunk, n - done));
}

// Two passes over a short chunk: the levels first (independent logs, which the CPU overlaps),
// then the detector recurrence and the gains. Per-sample arithmetic is the same either way.
void Compressor::processChunk(double* x, int n) {
  double* xL = scratch_;
  for (int i = 0; i < n; ++i) {
    if (threshold_.isSmoothing() || ratio_.isSmoothing() || knee_.isSmoothing()) {
      updateCurve(threshold_.next(), ratio_.next(), knee_.next());
    }
    // Gain computer: staticCurveDb written as a reduction without branches (noisy levels make
    // branches unpredictable), with k = clamp(over + W/2, 0, W):
    //   reduction = (1 − 1/R)/(2W)·k² + (1 − 1/R)·max(0, over − W/2).
    // Below the knee the reduction is exactly 0, so the log is skipped there.
    const double level = std::fabs(x[i]);
    double r = 0.0;
    if (level > kneeStartLin_) {
      const double over = dmath::gainToDbInline(level) - threshold_.current();
      const double halfKnee = 0.5 * knee_.current();
      const double k = std::min(std::max(over + halfKnee, 0.0), 2.0 * halfKnee);
      r = kneeScale_ * k * k + slope_ * std::max(over - halfKnee, 0.0);
    }
    xL[i] = r;
  }
  const double aA = attackCoef_, aR = releaseCoef_;
  double yL = reductionDb_, lastGainDb = lastGainDb_, lastGain = lastGain_;
  for (int i = 0; i < n; ++i) {
    // Smooth branching peak detector (attack when the reduction grows).
    const double a = xL[i] > yL ? aA : aR;
    yL = a * yL + (1.0 - a) * xL[i];
    if (yL < 1e-12) yL = 0.0;  // −240 dB of gain change: settle exactly, skip the exp below
    const double gainDb = makeup_.next() - yL;
    if (gainDb != lastGainDb) {
      lastGainDb = gainDb;
      lastGain = dmath::dbToGainInline(gainDb);
    }
    x[i] *= lastGain;
  }
  reductionDb_ = yL;
  lastGainDb_ = lastGainDb;
  lastGain_ = lastGain;
}

}  // namespace vocalmix
