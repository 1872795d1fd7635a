// OfflineMix — the delivery algorithm, independent of files so the WASM build runs exactly the
// same steps on an upload held in memory:
//   analyse input → gain staging → chain (once, stored) → measure → normalise → limit → deliver
// The chain runs once; its output is kept in a FrameStore (a temp file natively, memory in the
// browser) and summarised on the way for a model of the output stage (render/output_model.h),
// which picks the normalisation gain. The exact output stage (gain + true-peak limiter) then
// runs over the store — once, unless the delivered loudness misses the target, when the gain is
// corrected and it runs again. Whole-file decisions are quantised to 0.001 dB so a last-bit
// difference in a measurement cannot change the output. Memory stays bounded natively.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/tempo.h"
#include "engine/params.h"

namespace vocalmix::render {

// The level the vocal is brought to before the chain, so presets behave the same for quiet and
// loud recordings (integrated loudness of the centred vocal, BS.1770).
inline constexpr double kReferenceLufs = -20.0;
// The chain supports these rates; outside them a render refuses with a clear message (the
// native render and the WASM renderOffline check the same numbers).
inline constexpr int kMinSampleRate = 22050;
inline constexpr int kMaxSampleRate = 192000;
// The normalisation gain is refined until the limited output is this close to the target.
inline constexpr double kLoudnessTolerance = 0.05;
inline constexpr int kMaxNormalisationTries = 8;
// At most this much more gain than the unlimited signal needs goes into the limiter.
inline constexpr double kMaxExtraLimitingDb = 6.0;

// Frames that can be read more than once, interleaved float, any channel count.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual int sampleRate() const = 0;
  virtual int channels() const = 0;
  virtual int64_t frames() const = 0;
  virtual void rewind() = 0;
  virtual int64_t read(float* interleaved, int64_t frames) = 0;  // 0 at the end
};

// Receives the delivered stereo frames in order. restart() discards everything written so far:
// the delivery is then written again from its first frame (when a normalisation try missed the
// target, which the mix knows only once it has written and measured it).
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void write(const float* left, const float* right, int n) = 0;
  virtual void restart() = 0;
};

// Stereo float frames written once, then read back from the start as often as needed.
class FrameStore {
 public:
  virtual ~FrameStore() = default;
  virtual void append(const float* left, const float* right, int n) = 0;
  virtual void rewind() = 0;
  virtual int read(float* left, float* right, int n) = 0;  // 0 at the end
};

class MemoryFrameStore : public FrameStore {
 public:
  void append(const float* left, const float* right, int n) override;
  void rewind() override { pos_ = 0; }
  int read(float* left, float* right, int n) override;

 private:
  std::vector<float> data_;  // interleaved
  size_t pos_ = 0;
};

// stage names: "analyse", "mix", "write" (a write missing the loudness target is redone, its
// progress in what is left before 1), then "done"; fraction 0..1 of the whole job.
using Progress = std::function<void(double fraction, const std::string& stage)>;

struct InputAnalysis {
  int64_t frames = 0;
  double integratedLufs = -200.0;  // of the centred (mono-folded) vocal; -200 when unmeasurable
  double gainStagingDb = 0.0;      // quantised
  std::vector<double> noiseProfile;  // for the denoiser, already scaled by the gain staging
  bool foldedToMono = false;         // more than two channels
  int64_t firstNonFiniteFrame = -1;  // -1 when every sample is finite
};

struct MixResult {
  InputAnalysis input;
  double preNormalisationLufs = -200.0;  // chain output, before gain and limiter
  double normalisationDb = 0.0;          // quantised gain applied before the limiter
  double deliveredLufs = -200.0;         // measured on the delivered frames
  int normalisationTries = 0;            // output-stage passes spent finding the gain
  int64_t frames = 0;                    // delivered frames: the longer of vocal and beat
  double beatLufs = -200.0;              // the beat as given (when there is one)
  double beatGainDb = 0.0;               // its gain staging, quantised
  int64_t beatFrames = 0;                // its length at the vocal's rate
  // Tempo for the delay (when asked to detect it): from the beat if there is one, else the vocal.
  double detectedBpm = 0.0;
  double bpmConfidence = 0.0;
  std::string bpmSource;                 // "beat", "vocal" or "" (not detected)
  double delayBpm = 0.0;                 // what the delay used
  int latencyFrames = 0;                 // chain + limiter, compensated
  std::vector<std::string> notes;
};

double quantiseDb(double db);

InputAnalysis analyseInput(FrameSource& source, const Progress& progress = {});

// The same analysis fed block by block, for a caller that reads the input anyway (the native
// render's quality report): add() every block of the source in order, then finish(). The
// result equals analyseInput's bit for bit.
class InputAnalyzer {
 public:
  InputAnalyzer(int sampleRate, int channels);
  ~InputAnalyzer();
  InputAnalyzer(const InputAnalyzer&) = delete;
  InputAnalyzer& operator=(const InputAnalyzer&) = delete;
  void add(const float* interleaved, int frames);
  InputAnalysis finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The beat's whole-file decision: its loudness (BS.1770, stereo) and the quantised gain that
// brings it to the reference level before the vocal-over-beat balance.
struct BeatAnalysis {
  double lufs = -200.0;
  double gainDb = 0.0;
};
BeatAnalysis analyseBeat(FrameSource& beat);

// The tempo of a whole source (the estimate `vocalmix analyze` reports and the delay follows).
tempo::TempoEstimate estimateTempo(FrameSource& source);

struct MixOptions {
  // Set the delay's tempo from the music: the beat's tempo if there is a beat, else the
  // vocal's; when the estimate is unreliable the preset's tempo stays and the notes say so.
  // Off when the user chose a tempo.
  bool detectTempo = false;
  // Whole-file results the caller already has from its own read of the input (same values as
  // analyseInput / estimateTempo would give): the mix skips those passes over the input.
  const InputAnalysis* input = nullptr;
  const tempo::TempoEstimate* vocalTempo = nullptr;  // used only when there is no beat
};

// Runs the whole mix of `source` with `params` (target loudness and ceiling are parameters)
// and delivers the result to `sink`: as many frames as the input, or as the beat if there is a
// longer one (restarting the sink when a normalisation try misses). `store` holds the chain's
// output between passes. `beat` (optional) is an instrumental at any rate, mixed under the
// vocal at the vocal's rate.
MixResult runOfflineMix(FrameSource& source, const ParamSet& params, FrameStore& store,
                        FrameSink& sink, const Progress& progress = {},
                        FrameSource* beat = nullptr, const MixOptions& options = {});

}  // namespace vocalmix::render
