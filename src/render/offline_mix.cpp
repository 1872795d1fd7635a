// The offline mix, step by step: analyse → (detect tempo) → chain once into the store →
// find the normalisation gain on the stored result → deliver. Inputs are streamed in blocks,
// so memory stays bounded for hour-long files.
#include "render/offline_mix.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "analysis/integrated_loudness.h"
#include "analysis/tempo.h"
#include "dsp/denoiser.h"
#include "dsp/dmath.h"
#include "dsp/pair.h"
#include "dsp/resampler.h"
#include "engine/chain.h"
#include "engine/output_stage.h"
#include "render/output_model.h"

namespace vocalmix::render {

namespace {

constexpr int kBlock = 4096;

// The chain's view of one interleaved frame: left/right for stereo, the same channel twice for
// mono, the mean of all channels for more than two.
inline void foldFrame(const float* f, int ch, float& left, float& right) {
  if (ch == 1) {
    left = right = f[0];
  } else if (ch == 2) {
    left = f[0];
    right = f[1];
  } else {
    double sum = 0.0;
    for (int c = 0; c < ch; ++c) sum += f[c];
    left = right = static_cast<float>(sum / ch);
  }
}

// Reads the source in blocks and hands the chain's view of it on: left/right for stereo, the
// same channel twice for mono, the mean of all channels for more than two.
class ChannelFolder {
 public:
  explicit ChannelFolder(FrameSource& s)
      : source_(s), interleaved_(static_cast<size_t>(kBlock) * s.channels()),
        left_(kBlock), right_(kBlock) {}
  void rewind() { source_.rewind(); }
  int read() {
    const int ch = source_.channels();
    const int n = static_cast<int>(source_.read(interleaved_.data(), kBlock));
    if (ch == 2) {
      for (int i = 0; i < n; ++i) {
        left_[i] = interleaved_[2 * static_cast<size_t>(i)];
        right_[i] = interleaved_[2 * static_cast<size_t>(i) + 1];
      }
    } else {
      for (int i = 0; i < n; ++i) foldFrame(&interleaved_[static_cast<size_t>(i) * ch], ch, left_[i], right_[i]);
    }
    return n;
  }
  const float* interleaved() const { return interleaved_.data(); }
  const float* left() const { return left_.data(); }
  const float* right() const { return right_.data(); }

 private:
  FrameSource& source_;
  std::vector<float> interleaved_, left_, right_;
};

// Delivers exactly `total` frames of a processor with `latency` frames of delay: feeds the
// input (then silence), drops the first `latency` output frames.
template <typename Process, typename Out>
void latencyCompensated(int64_t total, int latency, Process&& process, Out&& out) {
  int64_t toSkip = latency, delivered = 0;
  bool inputLeft = true;
  while (delivered < total) {
    const int n = process(inputLeft);  // returns frames produced this call (input or silence)
    if (n == 0) {
      inputLeft = false;
      continue;
    }
    int offset = static_cast<int>(std::min<int64_t>(toSkip, n));
    toSkip -= offset;
    const int count = static_cast<int>(std::min<int64_t>(n - offset, total - delivered));
    if (count > 0) out(offset, count);
    delivered += count;
  }
}

double measured(double lufs) { return std::isfinite(lufs) ? lufs : -200.0; }

}  // namespace

double quantiseDb(double db) { return std::floor(db * 1000.0 + 0.5) / 1000.0; }

struct InputAnalyzer::State {
  State(int rate, int ch) : channels(ch), meter(rate, 1), mid(kBlock), midD(kBlock) {
    a.foldedToMono = ch > 2;
    noise.prepare(rate);
  }
  int channels;
  InputAnalysis a;
  analysis::IntegratedLoudness meter;
  NoiseProfileEstimator noise;
  std::vector<float> mid;
  std::vector<double> midD;
};

InputAnalyzer::InputAnalyzer(int sampleRate, int channels)
    : state_(std::make_unique<State>(sampleRate, channels)) {}
InputAnalyzer::~InputAnalyzer() = default;

void InputAnalyzer::add(const float* interleaved, int frames) {
  State& s = *state_;
  const int ch = s.channels;
  for (int done = 0; done < frames;) {
    const int n = std::min(kBlock, frames - done);
    const float* block = interleaved + static_cast<size_t>(done) * ch;
    if (ch == 2) {
      // Stereo, two frames at a time: the same mid as below (foldFrame passes l and r as they
      // are), and a non-finite sample makes its mid non-finite, so the mid alone finds it.
      const Pair half = splat(0.5), limit = splat(std::numeric_limits<double>::max());
      int i = 0;
      for (; i + 2 <= n; i += 2) {
        const Pair l = {block[2 * i], block[2 * i + 2]}, r = {block[2 * i + 1], block[2 * i + 3]};
        const Pair m = half * (l + r);
        // |m| ≤ max is false for NaN and ±inf: those become 0.
        const PairMask finite = absPair(m) <= limit;
        storePair(s.midD.data() + i, (Pair)((PairMask)m & finite));
        if (s.a.firstNonFiniteFrame < 0 && !(finite[0] && finite[1])) {
          s.a.firstNonFiniteFrame = s.a.frames + i + (finite[0] ? 1 : 0);
        }
      }
      for (; i < n; ++i) {
        const double m = 0.5 * (static_cast<double>(block[2 * i]) + static_cast<double>(block[2 * i + 1]));
        if (!std::isfinite(m) && s.a.firstNonFiniteFrame < 0) s.a.firstNonFiniteFrame = s.a.frames + i;
        s.midD[i] = std::isfinite(m) ? m : 0.0;
      }
      for (int k = 0; k < n; ++k) s.mid[k] = static_cast<float>(s.midD[k]);
    } else {
      for (int i = 0; i < n; ++i) {
        const float* f = block + static_cast<size_t>(i) * ch;
        if (s.a.firstNonFiniteFrame < 0) {
          for (int c = 0; c < ch; ++c) {
            if (!std::isfinite(f[c])) {
              s.a.firstNonFiniteFrame = s.a.frames + i;
              break;
            }
          }
        }
        // The chain's dry vocal is the mid of left and right: measure exactly that.
        float l, r;
        foldFrame(f, ch, l, r);
        const double m = 0.5 * (static_cast<double>(l) + static_cast<double>(r));
        s.midD[i] = std::isfinite(m) ? m : 0.0;
        s.mid[i] = static_cast<float>(s.midD[i]);
      }
    }
    s.meter.addFrames(s.mid.data(), n);
    s.noise.push(s.midD.data(), n);
    s.a.frames += n;
    done += n;
  }
}

InputAnalysis InputAnalyzer::finish() {
  State& s = *state_;
  InputAnalysis a = s.a;
  a.integratedLufs = measured(s.meter.lufs());
  if (a.integratedLufs > -100.0) {
    a.gainStagingDb = quantiseDb(std::clamp(kReferenceLufs - a.integratedLufs, -30.0, 40.0));
  }
  a.noiseProfile = s.noise.profile();
  // The profile was measured before gain staging: scale its power by the staging gain².
  const double g = dmath::dbToGain(a.gainStagingDb);
  for (double& p : a.noiseProfile) p *= g * g;
  return a;
}

InputAnalysis analyseInput(FrameSource& source, const Progress& progress) {
  InputAnalyzer analyzer(source.sampleRate(), source.channels());
  std::vector<float> buf(static_cast<size_t>(kBlock) * source.channels());
  source.rewind();
  int64_t done = 0;
  for (int n; (n = static_cast<int>(source.read(buf.data(), kBlock))) > 0;) {
    analyzer.add(buf.data(), n);
    done += n;
    if (progress && source.frames() > 0) {
      progress(0.15 * static_cast<double>(done) / static_cast<double>(source.frames()), "analyse");
    }
  }
  source.rewind();
  return analyzer.finish();
}

void MemoryFrameStore::append(const float* left, const float* right, int n) {
  for (int i = 0; i < n; ++i) {
    data_.push_back(left[i]);
    data_.push_back(right[i]);
  }
}

int MemoryFrameStore::read(float* left, float* right, int n) {
  const size_t available = (data_.size() - pos_) / 2;
  const int m = static_cast<int>(std::min<size_t>(available, static_cast<size_t>(n)));
  for (int i = 0; i < m; ++i) {
    left[i] = data_[pos_ + 2 * i];
    right[i] = data_[pos_ + 2 * i + 1];
  }
  pos_ += 2 * static_cast<size_t>(m);
  return m;
}

namespace {

// The beat at the vocal's rate, in planar blocks; silence after its end.
class BeatStream {
 public:
  BeatStream(FrameSource& source, int outRate)
      : source_(source), interleaved_(static_cast<size_t>(kBlock) * source.channels()),
        stereo_(2 * static_cast<size_t>(kBlock)) {
    resampler_.prepare(source.sampleRate(), outRate, 2);
  }
  int64_t frames() const { return resampler_.outputFramesFor(source_.frames()); }
  void rewind() {
    source_.rewind();
    resampler_.reset();
    pending_.clear();
    pendingPos_ = 0;
    sourceDone_ = false;
  }
  void read(float* left, float* right, int n) {
    int filled = 0;
    while (filled < n) {
      if (pendingPos_ < pending_.size()) {
        const int m = static_cast<int>(std::min<size_t>((pending_.size() - pendingPos_) / 2, n - filled));
        for (int i = 0; i < m; ++i) {
          left[filled + i] = pending_[pendingPos_ + 2 * i];
          right[filled + i] = pending_[pendingPos_ + 2 * i + 1];
        }
        pendingPos_ += 2 * static_cast<size_t>(m);
        filled += m;
        continue;
      }
      pending_.assign(2 * static_cast<size_t>(kBlock), 0.0f);
      pendingPos_ = 0;
      int made = resampler_.pull(pending_.data(), kBlock);
      if (made == 0 && !sourceDone_) {
        feed();
        made = resampler_.pull(pending_.data(), kBlock);
      }
      if (made == 0 && sourceDone_) {  // the beat has ended: silence
        std::fill(left + filled, left + n, 0.0f);
        std::fill(right + filled, right + n, 0.0f);
        pending_.clear();
        return;
      }
      pending_.resize(2 * static_cast<size_t>(made));
    }
  }

 private:
  void feed() {
    const int ch = source_.channels();
    const int n = static_cast<int>(source_.read(interleaved_.data(), kBlock));
    if (n == 0) {
      resampler_.finish();
      sourceDone_ = true;
      return;
    }
    for (int i = 0; i < n; ++i) {
      const float* f = &interleaved_[static_cast<size_t>(i) * ch];
      float l = f[0], r = ch > 1 ? f[1] : f[0];
      if (ch > 2) {
        double sum = 0.0;
        for (int c = 0; c < ch; ++c) sum += f[c];
        l = r = static_cast<float>(sum / ch);
      }
      stereo_[2 * i] = l;
      stereo_[2 * i + 1] = r;
    }
    resampler_.push(stereo_.data(), n);
  }

  FrameSource& source_;
  Resampler resampler_;
  std::vector<float> interleaved_, stereo_, pending_;
  size_t pendingPos_ = 0;
  bool sourceDone_ = false;
};

// The chain over the whole input (and the beat, if any), latency-compensated, into the store;
// the model summarises what was stored (its loudness, and what the output stage will make of it).
void mixIntoStore(FrameSource& source, BeatStream* beat, const ParamSet& params,
                  const InputAnalysis& input, double beatGainDb, int64_t total, FrameStore& store,
                  OutputModel& model, const Progress& progress, int& latency) {
  Chain chain;
  chain.prepare(source.sampleRate(), params, /*withOutputStage=*/false);
  chain.setInputGainDb(input.gainStagingDb);
  chain.setBeatGainDb(beatGainDb);
  if (!input.noiseProfile.empty()) chain.setNoiseProfile(input.noiseProfile);
  chain.reset();  // start at the staged gain, not gliding up to it
  latency = chain.latency();
  ChannelFolder in(source);
  in.rewind();
  if (beat) beat->rewind();
  std::vector<float> outL(kBlock), outR(kBlock), zeros(kBlock, 0.0f);
  std::vector<float> beatL(kBlock), beatR(kBlock);
  int64_t fed = 0;
  bool vocalLeft = true;
  latencyCompensated(total, latency,
      [&](bool inputLeft) {
        int n = kBlock;
        const float* l = zeros.data();
        const float* r = zeros.data();
        if (inputLeft) {
          if (fed >= total) return 0;
          n = vocalLeft ? in.read() : 0;
          if (n > 0) {
            l = in.left();
            r = in.right();
          } else {  // the vocal has ended before the beat: silence on the vocal input
            vocalLeft = false;
            n = static_cast<int>(std::min<int64_t>(kBlock, total - fed));
            if (n <= 0) return 0;
          }
          fed += n;
        }
        if (beat) {
          if (inputLeft) {
            beat->read(beatL.data(), beatR.data(), n);
          } else {
            std::fill(beatL.begin(), beatL.end(), 0.0f);
            std::fill(beatR.begin(), beatR.end(), 0.0f);
          }
          chain.process(l, r, beatL.data(), beatR.data(), outL.data(), outR.data(), n);
        } else {
          chain.process(l, r, outL.data(), outR.data(), n);
        }
        if (progress && total > 0 && inputLeft) {
          progress(0.15 + 0.6 * static_cast<double>(fed) / total, "mix");
        }
        return n;
      },
      [&](int offset, int count) {
        store.append(outL.data() + offset, outR.data() + offset, count);
        model.add(outL.data() + offset, outR.data() + offset, count);
      });
}

// Loudness of the beat as it is (stereo BS.1770), for its gain staging.
double beatLoudness(FrameSource& beat) {
  beat.rewind();
  analysis::IntegratedLoudness meter(beat.sampleRate(), std::min(beat.channels(), 2) == 1 ? 1 : 2);
  const int ch = beat.channels();
  std::vector<float> buf(static_cast<size_t>(kBlock) * ch), stereo(2 * static_cast<size_t>(kBlock));
  for (int64_t n; (n = beat.read(buf.data(), kBlock)) > 0;) {
    if (ch <= 2) {
      meter.addFrames(buf.data(), n);
    } else {
      for (int64_t i = 0; i < n; ++i) {
        double sum = 0.0;
        for (int c = 0; c < ch; ++c) sum += buf[static_cast<size_t>(i) * ch + c];
        stereo[2 * i] = stereo[2 * i + 1] = static_cast<float>(sum / ch);
      }
      meter.addFrames(stereo.data(), n);
    }
  }
  beat.rewind();
  return measured(meter.lufs());
}

// The output stage (gain + true-peak limiter) over the stored chain output. Calls
// out(left, right, n) for every delivered frame and returns the integrated loudness.
template <typename Out>
double outputPass(FrameStore& store, int64_t total, int sampleRate, const ParamSet& params,
                  double gainDb, Out&& out) {
  OutputStage stage;
  stage.prepare(sampleRate, kBlock);
  stage.setCeilingDbtp(params.get(ParamId::OutputCeiling));
  stage.setGainDb(gainDb);
  stage.reset();
  store.rewind();
  analysis::IntegratedLoudness meter(sampleRate, 2);
  std::vector<float> inL(kBlock), inR(kBlock), outL(kBlock), outR(kBlock);
  std::vector<double> l(kBlock), r(kBlock);
  latencyCompensated(total, stage.latency(),
      [&](bool inputLeft) {
        const int n = inputLeft ? store.read(inL.data(), inR.data(), kBlock) : kBlock;
        if (n == 0) return 0;
        if (inputLeft) {
          int i = 0;
          for (; i + 2 <= n; i += 2) {
            storePair(l.data() + i, loadFloatPair(inL.data() + i));
            storePair(r.data() + i, loadFloatPair(inR.data() + i));
          }
          for (; i < n; ++i) {
            l[i] = inL[i];
            r[i] = inR[i];
          }
        } else {
          std::fill(l.begin(), l.begin() + n, 0.0);
          std::fill(r.begin(), r.begin() + n, 0.0);
        }
        stage.process(l.data(), r.data(), n);
        int i = 0;
        for (; i + 2 <= n; i += 2) {
          storeFloatPair(outL.data() + i, loadPair(l.data() + i));
          storeFloatPair(outR.data() + i, loadPair(r.data() + i));
        }
        for (; i < n; ++i) {
          outL[i] = static_cast<float>(l[i]);
          outR[i] = static_cast<float>(r[i]);
        }
        return n;
      },
      [&](int offset, int count) {
        meter.addStereo(outL.data() + offset, outR.data() + offset, count);
        out(outL.data() + offset, outR.data() + offset, count);
      });
  return measured(meter.lufs());
}

}  // namespace

BeatAnalysis analyseBeat(FrameSource& beat) {
  BeatAnalysis a;
  a.lufs = beatLoudness(beat);
  if (a.lufs > -100.0) a.gainDb = quantiseDb(std::clamp(kReferenceLufs - a.lufs, -30.0, 30.0));
  return a;
}

tempo::TempoEstimate estimateTempo(FrameSource& s) {
  s.rewind();
  tempo::TempoAnalyzer analyzer(s.sampleRate());
  std::vector<float> buf(static_cast<size_t>(kBlock) * s.channels());
  for (int64_t n; (n = s.read(buf.data(), kBlock)) > 0;) analyzer.addFrames(buf.data(), s.channels(), n);
  s.rewind();
  return analyzer.finish();
}

namespace {

std::string formatBpm(double bpm) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", bpm);
  return text;
}

}  // namespace

MixResult runOfflineMix(FrameSource& source, const ParamSet& requested, FrameStore& store,
                        FrameSink& sink, const Progress& progress, FrameSource* beatSource,
                        const MixOptions& options) {
  MixResult r;
  ParamSet params = requested;
  if (options.detectTempo) {
    const tempo::TempoEstimate t = !beatSource && options.vocalTempo
                                       ? *options.vocalTempo
                                       : estimateTempo(beatSource ? *beatSource : source);
    r.bpmSource = beatSource ? "beat" : "vocal";
    r.detectedBpm = t.bpm;
    r.bpmConfidence = t.confidence;
    const std::string preset = formatBpm(params.get(ParamId::DelayBpm));
    if (t.reliable && t.bpm >= 40.0 && t.bpm <= 240.0) {
      params.set(ParamId::DelayBpm, t.bpm);
      r.notes.push_back("delay tempo " + formatBpm(t.bpm) + " BPM, detected from the " + r.bpmSource +
                        " (confidence " + formatBpm(t.confidence) + ")");
    } else {
      r.notes.push_back("no clear tempo in the " + r.bpmSource + " (confidence " + formatBpm(t.confidence) +
                        "): the delay keeps the preset's " + preset + " BPM");
    }
  }
  r.delayBpm = params.get(ParamId::DelayBpm);
  // 1. Analyse the input: loudness of the centred vocal, noise profile, gain staging.
  r.input = options.input ? *options.input : analyseInput(source, progress);
  const int rate = source.sampleRate();
  if (r.input.foldedToMono) {
    r.notes.push_back("input has " + std::to_string(source.channels()) +
                      " channels: folded to mono (the mean of all channels) as the vocal");
  }

  // 2. The beat, if any: staged to the reference level, resampled to the vocal's rate; the
  //    mix lasts as long as the longer of the two.
  std::unique_ptr<BeatStream> beat;
  int64_t total = r.input.frames;
  if (beatSource) {
    const BeatAnalysis b = analyseBeat(*beatSource);
    r.beatLufs = b.lufs;
    r.beatGainDb = b.gainDb;
    beat = std::make_unique<BeatStream>(*beatSource, rate);
    r.beatFrames = beat->frames();
    total = std::max(total, r.beatFrames);
    if (beatSource->sampleRate() != rate) {
      r.notes.push_back("beat resampled from " + std::to_string(beatSource->sampleRate()) + " Hz to the vocal's " +
                        std::to_string(rate) + " Hz");
    }
  }
  r.frames = total;

  // 3. The chain, once, into the store.
  int chainLatency = 0;
  OutputModel model(rate, total);
  mixIntoStore(source, beat.get(), params, r.input, r.beatGainDb, total, store, model, progress,
               chainLatency);
  r.preNormalisationLufs = measured(model.lufs());

  // 4. Normalise and deliver: find the gain that puts the limited output on target. The model of
  //    the output stage gathered during the chain pass predicts the gain; each exact pass of the
  //    output stage writes the sink as it goes (it is expected to be the delivery) and measures
  //    what it wrote. A miss restarts the sink and tries again: first at the model's gain
  //    corrected by its error at the missed one, then by secant steps on the measured curve.
  const double target = params.get(ParamId::OutputTarget);
  OutputStage probe;
  probe.prepare(rate, kBlock);
  r.latencyFrames = chainLatency + probe.latency();
  int passes = 0;
  double sinkGain = 0.0;  // what the sink holds
  double progressFrom = 0.75, progressTo = 0.95;  // a pass's share; a retry takes half what is left
  auto deliverAt = [&](double gainDb) {
    if (passes++ > 0) sink.restart();
    sinkGain = gainDb;
    int64_t written = 0;
    const double from = progressFrom, to = progressTo;
    const double lufs = outputPass(store, total, rate, params, gainDb, [&](const float* L, const float* R, int n) {
      sink.write(L, R, n);
      written += n;
      if (progress && total > 0) progress(from + (to - from) * static_cast<double>(written) / total, "write");
    });
    progressFrom = progressTo;
    progressTo += (0.99 - progressTo) * 0.5;
    return lufs;
  };
  if (r.preNormalisationLufs > -100.0) {
    const double linearGain = quantiseDb(std::clamp(target - r.preNormalisationLufs, -40.0, 40.0));
    // Never push more than kMaxExtraLimitingDb into the limiter beyond what the unlimited
    // signal needed: past that a loud target costs audible distortion, so we stop short.
    const double maxGain = std::min(40.0, linearGain + kMaxExtraLimitingDb);
    const double minGain = std::max(-40.0, linearGain - kMaxExtraLimitingDb);
    const double limiterCeilingDb = params.get(ParamId::OutputCeiling) - OutputStage::kTruePeakMarginDb;
    double gain = model.gainFor(target, limiterCeilingDb, linearGain, maxGain);
    double prevGain = 0.0, prevLufs = r.preNormalisationLufs;
    double bestGain = gain, bestLufs = -200.0, bestMiss = 1e9;
    for (int attempt = 0; attempt < kMaxNormalisationTries; ++attempt) {
      const double lufs = deliverAt(gain);
      ++r.normalisationTries;
      const double miss = target - lufs;
      if (std::fabs(miss) < std::fabs(bestMiss)) {
        bestMiss = miss;
        bestGain = gain;
        bestLufs = lufs;
      }
      if (std::fabs(miss) <= kLoudnessTolerance || lufs <= -100.0) break;
      double next;
      if (attempt == 0) {
        // Read the model's error as a level error e (the output behaves as the model at e dB
        // more gain): e is where the model predicts what was measured, less the gain used. A
        // level error is corrected exactly; an error in how hard the limiter works, nearly so
        // (it changes slowly with the gain), and no one-point slope could do better.
        const double e = model.gainFor(lufs, limiterCeilingDb, -40.0, 40.0) - gain;
        next = quantiseDb(std::clamp(model.gainFor(target, limiterCeilingDb, -40.0, 40.0) - e, minGain, maxGain));
      } else {
        double slope = (lufs - prevLufs) / (gain - prevGain);
        if (miss > 0.0 && slope < 0.2) break;  // the limiter is saturating
        if (!(slope > 0.05 && slope <= 1.5)) slope = 1.0;
        next = quantiseDb(std::clamp(gain + miss / slope, -40.0, maxGain));
      }
      if (next == gain) break;
      prevGain = gain;
      prevLufs = lufs;
      gain = next;
    }
    r.normalisationDb = bestGain;
    // The sink holds the last try; an earlier one may have come closer.
    r.deliveredLufs = sinkGain == bestGain ? bestLufs : deliverAt(bestGain);
  } else {
    r.notes.push_back("output loudness could not be measured (silence, or shorter than 400 ms): "
                      "no loudness normalisation applied");
    r.deliveredLufs = deliverAt(0.0);
  }
  if (std::fabs(target - r.deliveredLufs) > 0.5 && r.deliveredLufs > -100.0) {
    r.notes.push_back("the loudness target is not reachable under this true-peak ceiling without "
                      "heavy limiting: delivered " + std::to_string(r.deliveredLufs).substr(0, 6) +
                      " LUFS instead (lower the target or raise the ceiling)");
  }
  if (progress) progress(1.0, "done");
  return r;
}

}  // namespace vocalmix::render
