// Chain — the vocal chain of ARCHITECTURE.md in its fixed order: input (DC blocker, mono
// centring, gain staging) → high-pass / low-pass → denoiser + expander → de-esser → EQ →
// compressor + leveler → saturation → delay and reverb sends → output gain → true-peak limiter.
// The dry vocal is mono and sits dead centre; only the sends are stereo. Every stage has a
// click-free bypass and every parameter glides, so presets switch instantly while playing.
// Output is bit-identical for any host block size. Latency: denoiser + saturation + limiter.
// A second DC blocker after the dynamics removes the offset that fast gain changes on
// asymmetric speech waveforms create (QUALITY.md: |mean| < 1e-4).
#pragma once

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "dsp/biquad.h"
#include "dsp/compressor.h"
#include "dsp/dc_blocker.h"
#include "dsp/de_esser.h"
#include "dsp/denoiser.h"
#include "dsp/downward_expander.h"
#include "dsp/output_meter.h"
#include "dsp/reverb.h"
#include "dsp/sidechain_ducker.h"
#include "dsp/saturation.h"
#include "dsp/smoothed.h"
#include "dsp/tempo_delay.h"
#include "engine/output_stage.h"
#include "engine/params.h"

namespace vocalmix {

struct ChainMeters {
  double inputPeakDb = -400;    // dry input, after gain staging, over the last process() call
  double outputPeakDb = -400;   // output sample peak over the last process() call
  double expanderGrDb = 0;      // gain reductions, positive dB
  double deEsserGrDb = 0;
  double compressorGrDb = 0;
  double levelerGrDb = 0;
  double limiterGrDb = 0;
  double shortTermLufs = -200;  // output, 3 s window (only with metering on)
  double truePeakDb = -200;     // output, highest since the last takeMeters() (metering on)
};

class Chain {
 public:
  static constexpr int kChunk = 256;  // internal working block; host blocks may be any size

  // Allocates everything (sample rates 22 050–192 000 Hz) and applies `params` with no glide.
  // Without the output stage, process() stops before the normalisation gain and limiter (the
  // offline render runs its own OutputStage over the stored result).
  void prepare(double sampleRate, const ParamSet& params = ParamSet(),
               bool withOutputStage = true);
  // Clears all signal state and jumps every parameter to its current target.
  void reset();

  // Changes take effect from the next process() call and glide (click-free).
  void setParam(ParamId id, double value);       // validated: throws ParamError
  void setParam(std::string_view id, double value) { setParam(findParam(id), value); }
  void applyParams(const ParamSet& params);
  const ParamSet& params() const { return params_; }

  // Whole-file decisions, computed by the same analysis code natively and in WASM.
  void setInputGainDb(double db);     // gain staging to the reference level
  void setOutputGainDb(double db) { output_.setGainDb(db); }  // loudness normalisation
  void setNoiseProfile(const std::vector<double>& binPower) { denoiser_.setNoiseProfile(binPower); }
  void clearNoiseProfile() { denoiser_.clearNoiseProfile(); }
  int noiseProfileFftSize() const { return denoiser_.fftSize(); }

  // inR may be null for mono input (or equal inL). Any n >= 0. Never allocates or throws.
  void process(const float* inL, const float* inR, float* outL, float* outR, int n) {
    process(inL, inR, nullptr, nullptr, outL, outR, n);
  }
  // With an instrumental (beat) under the vocal: the beat, already at the chain's rate, is
  // delayed to line up with the processed vocal, set by the whole-file beat gain and the
  // vocal-over-beat balance, ducked under the vocal, and mixed in before the output stage, so
  // normalisation and the limiter act on the full mix. beatL null = no beat.
  void process(const float* inL, const float* inR, const float* beatL, const float* beatR,
               float* outL, float* outR, int n);
  // Whole-file decision: brings the beat to the reference level (quantised like the others).
  void setBeatGainDb(double db) { beatGainDb_ = db; }
  int latency() const;
  double sampleRate() const { return sampleRate_; }
  const ChainMeters& meters() const { return meters_; }
  // The meters, restarting the true-peak hold (for a UI polling ~20×/s).
  ChainMeters takeMeters();
  // Output loudness and true-peak metering for the live preview (off by default: the render
  // measures its result with libebur128 instead). Costs ~30 ns per frame when on.
  void setMetering(bool on) { metering_ = on; }

 private:
  // Crossfade between a stage's input and output: exactly the input at 0, exactly the output
  // at 1, so a settled bypass is bit-transparent.
  struct StageMix {
    Smoothed w;
    void apply(const double* dry, double* wet, int n);
    bool settledOff() const { return w.current() == 0.0 && !w.isSmoothing(); }
    bool settledOn() const { return w.current() == 1.0 && !w.isSmoothing(); }
  };
  // Runs one bypassable stage in place on the vocal (mono_): keeps its input in dry_, lets
  // `stage(x)` process x, then crossfades by the stage's mix. Settled fully on, the crossfade
  // is the stage's output; settled off, the stage runs (keeping its state going) on a copy
  // that is discarded.
  template <typename Stage>
  void runStage(StageMix& mix, int n, Stage&& stage) {
    double* x = mono_.data();
    if (mix.settledOn()) {
      stage(x);
      return;
    }
    std::copy(x, x + n, dry_.data());
    if (mix.settledOff()) {
      stage(dry_.data());
      return;
    }
    stage(x);
    mix.apply(dry_.data(), x, n);
  }

  void processChunk(const float* inL, const float* inR, const float* beatL, const float* beatR,
                    float* outL, float* outR, int n);
  void mixBeat(const float* beatL, const float* beatR, int n);
  void pushParam(ParamId id);
  void snapAll();

  double sampleRate_ = 48000.0;
  ParamSet params_;

  Smoothed inputGain_, slopeMix_, delaySend_, reverbSend_, beatBalance_;
  double beatGainDb_ = 0.0;
  SidechainDucker ducker_;
  std::vector<float> beatDelay_;  // stereo ring: the beat waits for the vocal's latency
  int beatDelayLength_ = 0, beatDelayPos_ = 0;
  double inputGainDb_ = 0.0;
  bool withOutputStage_ = true;
  StageMix hpfMix_, lpfMix_, expanderMix_, deEsserMix_, eqMix_, compMix_, levelerMix_;

  DcBlocker dc_, dcPost_;
  SmoothedBiquad hpf1_, hpf2_, lpf_;
  Denoiser denoiser_;
  DownwardExpander expander_;
  DeEsser deEsser_;
  SmoothedBiquad eqLow_, eqMud_, eqMid_, eqPresence_, eqAir_;
  Compressor compressor_, leveler_;
  Saturation saturation_;
  TempoDelay delay_;
  Reverb reverb_;
  OutputStage output_;
  OutputMeter outputMeter_;
  bool metering_ = false;

  std::array<double, kChunk> mono_{}, dry_{}, send_{}, sendReverb_{}, wetL_{}, wetR_{}, outL_{},
      outR_{}, duck_{};
  ChainMeters meters_;
};

}  // namespace vocalmix
