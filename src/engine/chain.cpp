// The chain's signal flow, read top to bottom in processChunk(), and the mapping from schema
// parameters to processor setters in pushParam().
#include "engine/chain.h"

#include <algorithm>
#include <cmath>

#include "dsp/biquad_lanes.h"
#include "dsp/dmath.h"
#include "dsp/pair.h"

namespace vocalmix {

namespace {

constexpr double kButterworthQ = 0.70710678118654752;
constexpr double kToggleSeconds = 0.020;  // bypass crossfades (schema: 20 ms)
constexpr double kGlideSeconds = 0.050;   // chain-level gains and slopes (schema: 50 ms)
// Auto make-up is referenced to the gain-staged vocal level (see render::kReferenceLufs).
constexpr Decibels kMakeupReference{-20.0};

bool on(const ParamSet& p, ParamId id) { return p.get(id) >= 0.5; }

NoteValue noteFromIndex(double v) {
  static constexpr NoteValue kNotes[] = {NoteValue::Quarter,       NoteValue::Eighth,
                                         NoteValue::Sixteenth,     NoteValue::DottedQuarter,
                                         NoteValue::DottedEighth,  NoteValue::TripletQuarter,
                                         NoteValue::TripletEighth};
  return kNotes[std::clamp(static_cast<int>(v), 0, 6)];
}

ReverbType reverbFromIndex(double v) {
  static constexpr ReverbType kTypes[] = {ReverbType::Plate, ReverbType::Room, ReverbType::Hall};
  return kTypes[std::clamp(static_cast<int>(v), 0, 2)];
}

// Runs settled biquads in series over y[0..n) (SmoothedBiquad::settledFilter references): two
// at a time as the pipelined lanes of one Pair (runBiquadsInSeries), an odd last one alone
// (runBiquad); both leave the per-sample flush off the critical path where it changes nothing.
// Each filter sees the same inputs and does the same arithmetic, in the same order, as calling
// each band's process() sample by sample.
void runSettledSeries(Biquad* const* filters, int count, double* y, int n) {
  int k = 0;
  for (; k + 2 <= count; k += 2) runBiquadsInSeries(*filters[k], *filters[k + 1], y, n);
  if (k < count) runBiquad(*filters[k], y, n);
}

// Rounds a chain output sample to float (as the offline render stores it); below -400 dB it
// becomes digital silence.
double roundOutput(double v) {
  return std::fabs(v) < 1e-20 ? 0.0 : static_cast<double>(static_cast<float>(v));
}

}  // namespace

void Chain::StageMix::apply(const double* dry, double* wet, int n) {
  if (!w.isSmoothing() && w.current() == 1.0) return;
  for (int i = 0; i < n; ++i) {
    const double g = w.next();
    if (g == 0.0) {
      wet[i] = dry[i];
    } else if (g != 1.0) {
      wet[i] = dry[i] + g * (wet[i] - dry[i]);
    }
  }
}

void Chain::prepare(double sampleRate, const ParamSet& params, bool withOutputStage) {
  sampleRate_ = sampleRate;
  withOutputStage_ = withOutputStage;
  for (Smoothed* s : {&inputGain_, &slopeMix_, &delaySend_, &reverbSend_, &beatBalance_}) {
    s->prepare(sampleRate, kGlideSeconds);
  }
  for (StageMix* m : {&hpfMix_, &lpfMix_, &expanderMix_, &deEsserMix_, &eqMix_, &compMix_,
                      &levelerMix_}) {
    m->w.prepare(sampleRate, kToggleSeconds);
  }
  dc_.prepare(sampleRate, kChunk);
  dcPost_.prepare(sampleRate, kChunk);
  hpf1_.prepare(sampleRate, FilterType::HighPass);
  hpf2_.prepare(sampleRate, FilterType::HighPass);
  lpf_.prepare(sampleRate, FilterType::LowPass);
  hpf1_.setQ(kButterworthQ);
  hpf2_.setQ(kButterworthQ);
  lpf_.setQ(kButterworthQ);
  denoiser_.prepare(sampleRate, kChunk);
  expander_.prepare(sampleRate, kChunk);
  deEsser_.prepare(sampleRate, kChunk);
  eqLow_.prepare(sampleRate, FilterType::LowShelf);
  eqMud_.prepare(sampleRate, FilterType::Peak);
  eqMid_.prepare(sampleRate, FilterType::Peak);
  eqPresence_.prepare(sampleRate, FilterType::Peak);
  eqAir_.prepare(sampleRate, FilterType::HighShelf);
  eqLow_.setQ(kButterworthQ);
  eqAir_.setQ(kButterworthQ);
  compressor_.prepare(sampleRate, kChunk);
  compressor_.setAutoMakeup(true, kMakeupReference);
  leveler_.prepare(sampleRate, kChunk);
  leveler_.setAutoMakeup(true, kMakeupReference);
  leveler_.setKnee(Decibels{10.0});
  leveler_.setAttack(Milliseconds{80.0});
  leveler_.setRelease(Milliseconds{800.0});
  saturation_.prepare(sampleRate, kChunk);
  delay_.prepare(sampleRate, kChunk);
  reverb_.prepare(sampleRate, kChunk);
  output_.prepare(sampleRate, kChunk);
  outputMeter_.prepare(sampleRate, kChunk);
  ducker_.prepare(sampleRate, kChunk);
  beatDelayLength_ = denoiser_.latency() + saturation_.latency();
  beatDelay_.assign(2 * static_cast<size_t>(std::max(1, beatDelayLength_)), 0.0f);

  setInputGainDb(inputGainDb_);
  params_ = params;
  for (int i = 0; i < kParamCount; ++i) pushParam(static_cast<ParamId>(i));
  reset();
}

void Chain::reset() {
  snapAll();
  dc_.reset();
  dcPost_.reset();
  hpf1_.reset();
  hpf2_.reset();
  lpf_.reset();
  denoiser_.reset();
  expander_.reset();
  deEsser_.reset();
  for (SmoothedBiquad* f : {&eqLow_, &eqMud_, &eqMid_, &eqPresence_, &eqAir_}) f->reset();
  compressor_.reset();
  leveler_.reset();
  saturation_.reset();
  delay_.reset();
  reverb_.reset();
  output_.reset();
  outputMeter_.reset();
  ducker_.reset();
  std::fill(beatDelay_.begin(), beatDelay_.end(), 0.0f);
  beatDelayPos_ = 0;
  meters_ = ChainMeters{};
}

void Chain::snapAll() {
  for (Smoothed* s : {&inputGain_, &slopeMix_, &delaySend_, &reverbSend_, &beatBalance_}) {
    s->snap(s->target());
  }
  for (StageMix* m : {&hpfMix_, &lpfMix_, &expanderMix_, &deEsserMix_, &eqMix_, &compMix_,
                      &levelerMix_}) {
    m->w.snap(m->w.target());
  }
}

void Chain::setParam(ParamId id, double value) {
  params_.set(id, value);  // validates (throws ParamError naming the parameter)
  pushParam(id);
}

void Chain::applyParams(const ParamSet& params) {
  for (int i = 0; i < kParamCount; ++i) {
    const auto id = static_cast<ParamId>(i);
    if (params.get(id) != params_.get(id)) setParam(id, params.get(id));
  }
}

void Chain::setInputGainDb(double db) {
  inputGainDb_ = db;
  inputGain_.setTarget(dmath::dbToGain(db + params_.get(ParamId::InputTrim)));
}

void Chain::pushParam(ParamId id) {
  const ParamSet& p = params_;
  const double v = p.get(id);
  using P = ParamId;
  switch (id) {
    case P::InputTrim: setInputGainDb(inputGainDb_); break;
    case P::HpfOn: hpfMix_.w.setTarget(on(p, id) ? 1.0 : 0.0); break;
    case P::HpfFreq: hpf1_.setFrequency(Hz{v}); hpf2_.setFrequency(Hz{v}); break;
    case P::HpfSlope: slopeMix_.setTarget(v); break;
    case P::LpfOn: lpfMix_.w.setTarget(on(p, id) ? 1.0 : 0.0); break;
    case P::LpfFreq: lpf_.setFrequency(Hz{v}); break;
    case P::DenoiseOn:
    case P::DenoiseReduction:
      denoiser_.setReduction(Decibels{on(p, P::DenoiseOn) ? p.get(P::DenoiseReduction) : 0.0});
      break;
    case P::ExpanderOn: expanderMix_.w.setTarget(on(p, id) ? 1.0 : 0.0); break;
    case P::ExpanderThresh: expander_.setThreshold(Decibels{v}); break;
    case P::ExpanderRatio: expander_.setRatio(v); break;
    case P::ExpanderRange: expander_.setRange(Decibels{v}); break;
    case P::DeessOn: deEsserMix_.w.setTarget(on(p, id) ? 1.0 : 0.0); break;
    case P::DeessFreq: deEsser_.setFrequency(Hz{v}); break;
    case P::DeessThresh: deEsser_.setThreshold(Decibels{v}); break;
    case P::DeessRange: deEsser_.setRange(Decibels{v}); break;
    case P::EqOn: eqMix_.w.setTarget(on(p, id) ? 1.0 : 0.0); break;
    case P::EqLowFreq: eqLow_.setFrequency(Hz{v}); break;
    case P::EqLowGain: eqLow_.setGain(Decibels{v}); break;
    case P::EqMudFreq: eqMud_.setFrequency(Hz{v}); break;
    case P::EqMudGain: eqMud_.setGain(Decibels{v}); break;
    case P::EqMudQ: eqMud_.setQ(v); break;
    case P::EqMidFreq: eqMid_.setFrequency(Hz{v}); break;
    case P::EqMidGain: eqMid_.setGain(Decibels{v}); break;
    case P::EqMidQ: eqMid_.setQ(v); break;
    case P::EqPresenceFreq: eqPresence_.setFrequency(Hz{v}); break;
    case P::EqPresenceGain: eqPresence_.setGain(Decibels{v}); break;
    case P::EqPresenceQ: eqPresence_.setQ(v); break;
    case P::EqAirFreq: eqAir_.setFrequency(Hz{v}); break;
    case P::EqAirGain: eqAir_.setGain(Decibels{v}); break;
    case P::CompOn: compMix_.w.setTarget(on(p, id) ? 1.0 : 0.0); break;
    case P::CompThresh: compressor_.setThreshold(Decibels{v}); break;
    case P::CompRatio: compressor_.setRatio(v); break;
    case P::CompKnee: compressor_.setKnee(Decibels{v}); break;
    case P::CompAttack: compressor_.setAttack(Milliseconds{v}); break;
    case P::CompRelease: compressor_.setRelease(Milliseconds{v}); break;
    case P::CompMakeup: compressor_.setMakeup(Decibels{v}); break;
    case P::LevelerOn: levelerMix_.w.setTarget(on(p, id) ? 1.0 : 0.0); break;
    case P::LevelerThresh: leveler_.setThreshold(Decibels{v}); break;
    case P::LevelerRatio: leveler_.setRatio(v); break;
    case P::SatOn:
    case P::SatMix:
      saturation_.setMix(on(p, P::SatOn) ? p.get(P::SatMix) / 100.0 : 0.0);
      break;
    case P::SatDrive: saturation_.setDrive(Decibels{v}); break;
    case P::DelayOn:
    case P::DelaySend:
      delaySend_.setTarget(on(p, P::DelayOn) ? dmath::dbToGain(p.get(P::DelaySend)) : 0.0);
      break;
    case P::DelayNote: delay_.setNote(noteFromIndex(v)); break;
    case P::DelayBpm: delay_.setBpm(v); break;
    case P::DelayFeedback: delay_.setFeedback(v / 100.0); break;
    case P::DelayHighPass: delay_.setHighPass(Hz{v}); break;
    case P::DelayLowPass: delay_.setLowPass(Hz{v}); break;
    case P::DelayPingPong: delay_.setPingPong(on(p, id)); break;
    case P::ReverbOn:
    case P::ReverbSend:
      reverbSend_.setTarget(on(p, P::ReverbOn) ? dmath::dbToGain(p.get(P::ReverbSend)) : 0.0);
      break;
    case P::ReverbType: reverb_.setType(reverbFromIndex(v)); break;
    case P::ReverbPreDelay: reverb_.setPreDelay(Milliseconds{v}); break;
    case P::ReverbDecay: reverb_.setDecay(Seconds{v}); break;
    case P::ReverbDamping: reverb_.setDamping(Hz{v}); break;
    case P::ReverbHighPass: reverb_.setHighPass(Hz{v}); break;
    case P::BeatBalance: beatBalance_.setTarget(v); break;
    case P::BeatDuck: ducker_.setDepth(Decibels{v}); break;
    case P::OutputTarget: break;  // used by the render's loudness normalisation
    case P::OutputCeiling: output_.setCeilingDbtp(v); break;
    case P::Count: break;
  }
}

ChainMeters Chain::takeMeters() {
  ChainMeters m = meters_;
  meters_.truePeakDb = -200.0;
  return m;
}

int Chain::latency() const {
  return denoiser_.latency() + saturation_.latency() + (withOutputStage_ ? output_.latency() : 0);
}

void Chain::process(const float* inL, const float* inR, const float* beatL, const float* beatR,
                    float* outL, float* outR, int n) {
  if (inR == nullptr) inR = inL;
  if (beatR == nullptr) beatR = beatL;
  meters_.inputPeakDb = meters_.outputPeakDb = -400.0;
  for (int done = 0; done < n;) {
    const int m = std::min(kChunk, n - done);
    processChunk(inL + done, inR + done, beatL ? beatL + done : nullptr,
                 beatR ? beatR + done : nullptr, outL + done, outR + done, m);
    done += m;
  }
}

// 9. The beat: delayed to line up with the processed vocal (whose latency is the denoiser's
//    and the saturation's), staged, balanced, ducked under the vocal (mono_ holds the vocal
//    after saturation), added to the mix.
void Chain::mixBeat(const float* beatL, const float* beatR, int n) {
  ducker_.process(mono_.data(), duck_.data(), n);
  for (int i = 0; i < n; ++i) {
    float* slot = &beatDelay_[2 * static_cast<size_t>(beatDelayPos_)];
    const double bl = beatDelayLength_ > 0 ? slot[0] : beatL[i];
    const double br = beatDelayLength_ > 0 ? slot[1] : beatR[i];
    slot[0] = std::isfinite(beatL[i]) ? beatL[i] : 0.0f;
    slot[1] = std::isfinite(beatR[i]) ? beatR[i] : 0.0f;
    if (++beatDelayPos_ >= beatDelayLength_) beatDelayPos_ = 0;
    const double g = dmath::dbToGain(beatGainDb_ - beatBalance_.next() + duck_[i]);
    outL_[i] += g * bl;
    outR_[i] += g * br;
  }
}

void Chain::processChunk(const float* inL, const float* inR, const float* beatL,
                         const float* beatR, float* outL, float* outR, int n) {
  double* x = mono_.data();
  double inPeak = 0.0;

  // Fast paths below are taken only when settled state makes the per-sample path compute
  // exactly the same values (parameters change only between process() calls), so output stays
  // bit-identical for any host block size.

  // 1. Input: the dry vocal is the mid of the input, so it sits dead centre whatever the
  //    recording's balance; non-finite samples become silence; gain staging.
  const auto mid = [&](int i) {
    const double s = 0.5 * (static_cast<double>(inL[i]) + static_cast<double>(inR[i]));
    return std::fabs(s) <= 1e6 ? s : 0.0;
  };
  if (inputGain_.isSmoothing()) {
    for (int i = 0; i < n; ++i) x[i] = mid(i) * inputGain_.next();
    for (int i = 0; i < n; ++i) inPeak = std::max(inPeak, std::fabs(x[i]));
  } else {
    // The same per sample, two at a time (|s| ≤ 1e6 is false for NaN, as fabs(s) <= 1e6 is).
    const double gain = inputGain_.current();
    const Pair half = splat(0.5), limit = splat(1e6), g = splat(gain);
    Pair peak = splat(0.0);
    int i = 0;
    for (; i + 2 <= n; i += 2) {
      const Pair s = half * (loadFloatPair(inL + i) + loadFloatPair(inR + i));
      const Pair v = (Pair)((PairMask)s & (absPair(s) <= limit)) * g;
      storePair(x + i, v);
      peak = maxPair(peak, absPair(v));
    }
    inPeak = std::max(peak[0], peak[1]);
    for (; i < n; ++i) {
      x[i] = mid(i) * gain;
      inPeak = std::max(inPeak, std::fabs(x[i]));
    }
  }
  dc_.process(x, n);

  // 2. High-pass (12 dB/oct, or two sections for 24) and the optional low-pass.
  //    Filters whose output is not used (stage settled off, second section at 12 dB/oct) or
  //    that are identities (EQ bands at 0 dB) are skipped sample by sample. The first sample
  //    of a chunk always takes the per-sample path (it enters or leaves the idle states);
  //    once the filters in use are settled, the rest runs them as plain biquads.
  runStage(hpfMix_, n, [&](double* y) {
    const bool hpfOff = hpfMix_.settledOff();
    const auto one = [&](int i) {
      const double a = hpf1_.processUnlessIdle(y[i], hpfOff);
      const double s = slopeMix_.next();
      const double b = hpf2_.processUnlessIdle(a, hpfOff || (s == 0.0 && !slopeMix_.isSmoothing()));
      y[i] = s == 1.0 ? b : s == 0.0 ? a : a + s * (b - a);
    };
    if (n == 0) return;
    one(0);
    int i = 1;
    if (!slopeMix_.isSmoothing()) {
      const double s = slopeMix_.current();
      if (hpfOff) {
        i = n;  // both sections idle, the slope at rest: nothing changes (and y is discarded)
      } else if (hpf1_.isSettled() && s == 0.0) {
        Biquad* const f[] = {&hpf1_.settledFilter()};
        runSettledSeries(f, 1, y + 1, n - 1);
        i = n;
      } else if (hpf1_.isSettled() && hpf2_.isSettled() && s == 1.0) {
        Biquad* const f[] = {&hpf1_.settledFilter(), &hpf2_.settledFilter()};
        runSettledSeries(f, 2, y + 1, n - 1);
        i = n;
      }
    }
    for (; i < n; ++i) one(i);
  });
  runStage(lpfMix_, n, [&](double* y) {
    const bool lpfOff = lpfMix_.settledOff();
    if (n == 0) return;
    y[0] = lpf_.processUnlessIdle(y[0], lpfOff);
    int i = 1;
    if (lpfOff) {
      i = n;
    } else if (lpf_.isSettled()) {
      Biquad* const f[] = {&lpf_.settledFilter()};
      runSettledSeries(f, 1, y + 1, n - 1);
      i = n;
    }
    for (; i < n; ++i) y[i] = lpf_.processUnlessIdle(y[i], lpfOff);
  });

  // 3. Denoiser (its bypass is a glide of the reduction to 0 dB) and expander.
  denoiser_.process(x, n);
  runStage(expanderMix_, n, [&](double* y) { expander_.process(y, n); });

  // 4. De-esser.
  runStage(deEsserMix_, n, [&](double* y) { deEsser_.process(y, n); });

  // 5. Parametric EQ. A band's neutrality cannot change within a chunk (it is idle, so its
  //    gain does not glide); neutral bands are skipped for the chunk after the first sample.
  runStage(eqMix_, n, [&](double* y) {
    SmoothedBiquad* const bands[] = {&eqLow_, &eqMud_, &eqMid_, &eqPresence_, &eqAir_};
    const auto one = [&](int i) {
      double v = y[i];
      for (SmoothedBiquad* band : bands) v = band->processUnlessIdle(v, band->isNeutral());
      y[i] = v;
    };
    if (n == 0) return;
    one(0);
    Biquad* active[5];
    int count = 0;
    bool settled = true;
    for (SmoothedBiquad* band : bands) {
      if (band->isNeutral()) continue;
      settled = settled && band->isSettled();
      if (settled) active[count++] = &band->settledFilter();
    }
    if (settled) {
      runSettledSeries(active, count, y + 1, n - 1);
    } else {
      for (int i = 1; i < n; ++i) one(i);
    }
  });

  // 6. Compressor, then the slower leveler.
  runStage(compMix_, n, [&](double* y) { compressor_.process(y, n); });
  runStage(levelerMix_, n, [&](double* y) { leveler_.process(y, n); });

  // 7. Saturation (bypass = mix glides to 0; latency stays constant).
  saturation_.process(x, n);
  dcPost_.process(x, n);

  // 8. Sends: the wet is stereo, the dry stays centred. The delay's wet lands in outL_/outR_,
  //    the reverb's in wetL_/wetR_; the sum is (dry + delay) + reverb.
  double* delayIn = send_.data();
  double* reverbIn = sendReverb_.data();
  if (!delaySend_.isSmoothing() && !reverbSend_.isSmoothing()) {
    const double gd = delaySend_.current(), gr = reverbSend_.current();
    int i = 0;
    for (; i + 2 <= n; i += 2) {
      storePair(delayIn + i, loadPair(x + i) * splat(gd));
      storePair(reverbIn + i, loadPair(x + i) * splat(gr));
    }
    for (; i < n; ++i) {
      delayIn[i] = x[i] * gd;
      reverbIn[i] = x[i] * gr;
    }
  } else {
    for (int i = 0; i < n; ++i) {
      delayIn[i] = x[i] * delaySend_.next();
      reverbIn[i] = x[i] * reverbSend_.next();
    }
  }
  delay_.process(delayIn, outL_.data(), outR_.data(), n);
  reverb_.process(reverbIn, wetL_.data(), wetR_.data(), n);

  // 10. Output: loudness-normalisation gain, then the true-peak limiter. The chain's result is
  //     rounded to float first, exactly as the offline render stores it before its own output
  //     stage, so preview and delivery see the same numbers. Anything below -400 dB becomes
  //     digital silence: filters ringing down near 1e-28 must not keep a tail (or, after
  //     dither, noise) going forever.
  double outPeak = 0.0;
  if (beatL != nullptr) {
    for (int i = 0; i < n; ++i) {
      outL_[i] = (x[i] + outL_[i]) + wetL_[i];
      outR_[i] = (x[i] + outR_[i]) + wetR_[i];
    }
    mixBeat(beatL, beatR, n);
    for (int i = 0; i < n; ++i) {
      outL_[i] = roundOutput(outL_[i]);
      outR_[i] = roundOutput(outR_[i]);
    }
  } else if (withOutputStage_) {
    for (int i = 0; i < n; ++i) {
      outL_[i] = roundOutput((x[i] + outL_[i]) + wetL_[i]);
      outR_[i] = roundOutput((x[i] + outR_[i]) + wetR_[i]);
    }
  } else {
    // No output stage: the rounded values are already floats, so write them out here. Two
    // frames at a time, each lane roundOutput's steps (flushing first, then rounding, is the
    // same: a flushed value rounds to 0).
    int i = 0;
    Pair peak = splat(0.0);
    for (; i + 2 <= n; i += 2) {
      const Pair dry = loadPair(x + i);
      const Pair l = roundToFloat(flushBelow((dry + loadPair(outL_.data() + i)) + loadPair(wetL_.data() + i), 1e-20));
      const Pair r = roundToFloat(flushBelow((dry + loadPair(outR_.data() + i)) + loadPair(wetR_.data() + i), 1e-20));
      storePair(outL_.data() + i, l);
      storePair(outR_.data() + i, r);
      storeFloatPair(outL + i, l);
      storeFloatPair(outR + i, r);
      peak = maxPair(peak, maxPair(absPair(l), absPair(r)));
    }
    outPeak = std::max(peak[0], peak[1]);
    for (; i < n; ++i) {
      const double l = roundOutput((x[i] + outL_[i]) + wetL_[i]);
      const double r = roundOutput((x[i] + outR_[i]) + wetR_[i]);
      outL_[i] = l;
      outR_[i] = r;
      outL[i] = static_cast<float>(l);
      outR[i] = static_cast<float>(r);
      outPeak = std::max({outPeak, std::fabs(l), std::fabs(r)});
    }
  }
  if (beatL != nullptr || withOutputStage_) {
    if (withOutputStage_) output_.process(outL_.data(), outR_.data(), n);
    for (int i = 0; i < n; ++i) {
      outL[i] = static_cast<float>(outL_[i]);
      outR[i] = static_cast<float>(outR_[i]);
      outPeak = std::max({outPeak, std::fabs(outL_[i]), std::fabs(outR_[i])});
    }
  }

  meters_.inputPeakDb = std::max(meters_.inputPeakDb, dmath::gainToDb(inPeak));
  meters_.outputPeakDb = std::max(meters_.outputPeakDb, dmath::gainToDb(outPeak));
  meters_.expanderGrDb = expander_.gainReductionDb();
  meters_.deEsserGrDb = deEsser_.gainReductionDb();
  meters_.compressorGrDb = compressor_.gainReductionDb();
  meters_.levelerGrDb = leveler_.gainReductionDb();
  meters_.limiterGrDb = output_.limiterReductionDb();
  if (metering_) {
    outputMeter_.process(outL_.data(), outR_.data(), n);
    meters_.shortTermLufs = outputMeter_.shortTermLufs();
    meters_.truePeakDb = std::max(meters_.truePeakDb, outputMeter_.takeTruePeakDb());
  }
}

}  // namespace vocalmix
