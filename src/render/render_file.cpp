// File glue around the offline mix: source and sink over libsndfile, dither, the report.
#include "render/render_file.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "analysis/quality_report.h"
#include "analysis/tempo.h"
#include "dsp/tpdf_dither.h"
#include "render/file_source.h"

namespace vocalmix::render {

using nlohmann::json;

namespace {

// The chain's output between passes: raw interleaved floats in an anonymous temp file (removed
// by the system even if the process dies), so an hour-long render needs no hour of RAM.
class TempFileFrameStore : public FrameStore {
 public:
  TempFileFrameStore() : file_(std::tmpfile()) {
    if (!file_) throw RenderError("cannot create a temporary file for the render (is /tmp full?)");
  }
  ~TempFileFrameStore() override { std::fclose(file_); }
  TempFileFrameStore(const TempFileFrameStore&) = delete;
  TempFileFrameStore& operator=(const TempFileFrameStore&) = delete;

  void append(const float* left, const float* right, int n) override {
    buffer_.resize(2 * static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      buffer_[2 * i] = left[i];
      buffer_[2 * i + 1] = right[i];
    }
    if (std::fwrite(buffer_.data(), sizeof(float), buffer_.size(), file_) != buffer_.size()) {
      throw RenderError("writing the render's temporary file failed (disk full?)");
    }
  }
  void rewind() override {
    std::fflush(file_);
    std::rewind(file_);
  }
  int read(float* left, float* right, int n) override {
    buffer_.resize(2 * static_cast<size_t>(n));
    const size_t got = std::fread(buffer_.data(), 2 * sizeof(float), static_cast<size_t>(n), file_);
    for (size_t i = 0; i < got; ++i) {
      left[i] = buffer_[2 * i];
      right[i] = buffer_[2 * i + 1];
    }
    return static_cast<int>(got);
  }

 private:
  std::FILE* file_;
  std::vector<float> buffer_;
};

// Writes the delivery: float formats as they are, integer formats through TPDF dither with
// fixed seeds, so the bytes depend only on the samples.
class FileSink : public FrameSink {
 public:
  FileSink(const RenderRequest& req, int sampleRate) : req_(req), sampleRate_(sampleRate) { start(); }

  void restart() override { start(); }

  void write(const float* left, const float* right, int n) override {
    buffer_.resize(static_cast<size_t>(2) * n);
    if (io::isIntegerFormat(req_.format)) {
      // The report reads the floats k / 2^(bits-1) (exact: |k| <= 2^31 and a power-of-two
      // scale); the file gets the codes themselves, left-justified as the writer takes them,
      // so it never converts the floats back. The max clips the dither's NaN code
      // (INT32_MIN) to negative full scale, as write() would.
      const int bits = io::bitDepth(req_.format);
      const int shift = 32 - bits;
      const int32_t lowest = -(int32_t{1} << (bits - 1));
      const float scale = 1.0f / static_cast<float>(int32_t{1} << (bits - 1));
      codes_.resize(static_cast<size_t>(2) * n);
      // Local copies, so the generators' states stay in registers through the loop.
      TpdfDither ditherLeft = ditherLeft_, ditherRight = ditherRight_;
      for (int i = 0; i < n; ++i) {
        const int32_t l = ditherLeft.quantise(left[i], bits);
        const int32_t r = ditherRight.quantise(right[i], bits);
        buffer_[2 * i] = static_cast<float>(l) * scale;
        buffer_[2 * i + 1] = static_cast<float>(r) * scale;
        codes_[2 * i] = std::max(l, lowest) << shift;
        codes_[2 * i + 1] = std::max(r, lowest) << shift;
      }
      ditherLeft_ = ditherLeft;
      ditherRight_ = ditherRight;
      writer_->writeInt(codes_.data(), n);
    } else {
      for (int i = 0; i < n; ++i) {
        buffer_[2 * i] = left[i];
        buffer_[2 * i + 1] = right[i];
      }
      writer_->write(buffer_.data(), n);
    }
    analyzer_->addFrames(buffer_.data(), n);
  }

  void commit() { writer_->commit(); }
  analysis::QualityReport report() const { return analyzer_->finish(); }

 private:
  // A fresh temp file (the old one is deleted first), report and dither.
  void start() {
    writer_.reset();
    writer_ = std::make_unique<io::AudioWriter>(req_.outputPath, sampleRate_, 2, req_.format);
    analyzer_.emplace(sampleRate_, 2);
    ditherLeft_ = TpdfDither(kLeftSeed);
    ditherRight_ = TpdfDither(kRightSeed);
  }

  // One generator per channel (fixed seeds): independent dither in left and right, and the two
  // xorshift chains run side by side instead of one after the other.
  static constexpr uint64_t kLeftSeed = 0x9E3779B97F4A7C15ULL, kRightSeed = 0xD1B54A32D192ED03ULL;
  const RenderRequest& req_;
  int sampleRate_;
  std::unique_ptr<io::AudioWriter> writer_;
  TpdfDither ditherLeft_{kLeftSeed}, ditherRight_{kRightSeed};
  std::optional<analysis::QualityAnalyzer> analyzer_;
  std::vector<float> buffer_;
  std::vector<int32_t> codes_;  // integer formats: what the writer gets
};

// The quality report of a file. The same read also feeds, when given, the tempo analysis and
// the mix's input analysis (so a render reads its input once before the chain).
json inputReport(io::AudioReader& reader, tempo::TempoAnalyzer* tempo = nullptr,
                 InputAnalyzer* mixInput = nullptr, const Progress& progress = {}) {
  const int channels = reader.info().channels;
  const int64_t frames = reader.info().frames;
  analysis::QualityAnalyzer a(reader.info().sampleRate, channels);
  std::vector<float> buf(static_cast<size_t>(4096) * channels);
  reader.rewind();
  int64_t done = 0;
  for (int64_t n; (n = reader.read(buf.data(), 4096)) > 0;) {
    a.addFrames(buf.data(), n);
    if (tempo) tempo->addFrames(buf.data(), channels, n);
    if (mixInput) mixInput->add(buf.data(), static_cast<int>(n));
    done += n;
    if (progress && frames > 0) progress(0.15 * static_cast<double>(done) / frames, "analyse");
  }
  reader.rewind();
  return analysis::toJson(a.finish());
}

}  // namespace

json renderFile(const RenderRequest& req) {
  const auto started = std::chrono::steady_clock::now();
  io::AudioReader reader(req.inputPath);
  const io::AudioInfo info = reader.info();
  if (info.sampleRate < kMinSampleRate || info.sampleRate > kMaxSampleRate) {
    throw RenderError("input '" + req.inputPath + "': sample rate " +
                      std::to_string(info.sampleRate) + " Hz is outside the supported " +
                      std::to_string(kMinSampleRate) + "–" + std::to_string(kMaxSampleRate) +
                      " Hz; resample it first (e.g. sox in.wav -r 48000 out.wav)");
  }

  ParamSet params = req.preset.params;
  if (req.targetLufs) params.set(ParamId::OutputTarget, *req.targetLufs);
  if (req.ceilingDbtp) params.set(ParamId::OutputCeiling, *req.ceilingDbtp);

  // One read of the input: quality report, the mix's input analysis, and (without a beat)
  // the vocal's tempo.
  InputAnalyzer mixInput(info.sampleRate, info.channels);
  std::optional<tempo::TempoAnalyzer> vocalTempo;
  if (req.detectTempo && req.beatPath.empty()) vocalTempo.emplace(info.sampleRate);
  const json inputQuality = inputReport(reader, vocalTempo ? &*vocalTempo : nullptr, &mixInput, req.progress);
  if (inputQuality.value("has_nan_or_inf", false)) {
    throw RenderError("input '" + req.inputPath +
                      "': contains NaN or infinite samples; the file is corrupt");
  }

  std::optional<io::AudioReader> beatReader;
  std::optional<FileSource> beatSource;
  json beatQuality;
  if (!req.beatPath.empty()) {
    beatReader.emplace(req.beatPath);
    beatQuality = inputReport(*beatReader);
    if (beatQuality.value("has_nan_or_inf", false)) {
      throw RenderError("beat '" + req.beatPath + "': contains NaN or infinite samples; the file is corrupt");
    }
    beatSource.emplace(*beatReader);
  }

  FileSource source(reader);
  TempFileFrameStore store;
  FileSink sink(req, info.sampleRate);
  MixOptions options;
  options.detectTempo = req.detectTempo;
  const InputAnalysis analysed = mixInput.finish();
  options.input = &analysed;
  std::optional<tempo::TempoEstimate> tempoEstimate;
  if (vocalTempo) tempoEstimate = vocalTempo->finish();
  options.vocalTempo = tempoEstimate ? &*tempoEstimate : nullptr;
  const MixResult mix = runOfflineMix(source, params, store, sink, req.progress,
                                      beatSource ? &*beatSource : nullptr, options);
  params.set(ParamId::DelayBpm, mix.delayBpm);  // the report shows what was used
  sink.commit();

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  json report;
  report["engine_version"] = VOCALMIX_VERSION;
  report["input_file"] = req.inputPath;
  report["output_file"] = req.outputPath;
  report["format"] = io::toString(req.format);
  report["preset"] = req.preset.name;
  report["params"] = Preset{req.preset.name, req.preset.description, params}.fullParamsJson();
  report["target_lufs"] = params.get(ParamId::OutputTarget);
  report["ceiling_dbtp"] = params.get(ParamId::OutputCeiling);
  report["input"] = inputQuality;
  report["input"]["container"] = info.container;
  report["input"]["encoding"] = info.encoding;
  report["output"] = analysis::toJson(sink.report());
  report["gain_staging_db"] = mix.input.gainStagingDb;
  report["input_vocal_lufs"] = mix.input.integratedLufs;
  report["pre_normalisation_lufs"] = mix.preNormalisationLufs;
  report["normalisation_db"] = mix.normalisationDb;
  report["normalisation_tries"] = mix.normalisationTries;
  report["delivered_lufs_before_dither"] = mix.deliveredLufs;
  report["latency_compensated_frames"] = mix.latencyFrames;
  report["noise_profile_bins"] = mix.input.noiseProfile.size();
  report["notes"] = mix.notes;
  report["tempo"] = {{"delay_bpm", mix.delayBpm},
                     {"detected_bpm", mix.detectedBpm},
                     {"confidence", mix.bpmConfidence},
                     {"source", mix.bpmSource.empty() ? "preset or user" : mix.bpmSource}};
  if (beatReader) {
    report["beat"] = beatQuality;
    report["beat"]["file"] = req.beatPath;
    report["beat_gain_db"] = mix.beatGainDb;
    report["beat_lufs"] = mix.beatLufs;
  }
  report["duration_s"] = static_cast<double>(mix.frames) / info.sampleRate;
  report["render_seconds"] = seconds;
  report["realtime_factor"] = seconds > 0 ? info.durationSeconds() / seconds : 0.0;
  return report;
}

json analyzeFile(const std::string& path) {
  io::AudioReader reader(path);
  tempo::TempoAnalyzer tempo(reader.info().sampleRate);
  json j = inputReport(reader, &tempo);
  j["file"] = path;
  j["container"] = reader.info().container;
  j["encoding"] = reader.info().encoding;
  const tempo::TempoEstimate t = tempo.finish();
  j["bpm"] = t.bpm;                    // 0 when no tempo was found
  j["bpm_confidence"] = t.confidence;  // 0..1; below tempo::kMinConfidence it is a guess
  return j;
}

}  // namespace vocalmix::render
