// Embind bindings of the vocalmix engine: the SAME C++ engine the native CLI/server run, exposed
// to JavaScript. Bindings only — no signal processing here: every sample is produced by
// vocalmix::Chain or vocalmix::render::runOfflineMix.
//
// JavaScript API (module built by wasm/CMakeLists.txt):
//   new Module.Engine()
//     .prepare(sampleRate)                 allocate (22 050–192 000 Hz); keeps params and gains
//     .setParam(id, value)                 throws Error with the ParamError message
//     .getParam(id)
//     .applyPresetJson(text)               preset object {"name","description","params"}
//     .applyPreset(name)                   a bundled preset
//     .paramsJson()                        every parameter's current value (for "Render")
//     .reset() .latency()
//     .setInputGainDb(db) .setOutputGainDb(db)
//     .setNoiseProfile(Float64Array | number[]) .clearNoiseProfile() .noiseProfileFftSize()
//     .process(inLPtr, inRPtr, outLPtr, outRPtr, n)   byte offsets into HEAPF32's buffer
//                                          (from Module._malloc); inRPtr 0 = mono input.
//                                          Never allocates.
//     .meters()                            {inputPeakDb, outputPeakDb, expanderGrDb, ...}
//     .readMeters(ptr)                     9 doubles at ptr (no allocation): the 7 above, then
//                                          shortTermLufs and truePeakDb (held since last read)
//     .setParamIndex(index, value)         by schema index: the audio thread's path (no strings)
//   Module.schemaJson()  Module.presetsJson()  Module.version()
//   Module.decode(Uint8Array|ArrayBuffer)  → {sampleRate, channels, frames, container, encoding,
//                                              left: Float32Array, right: Float32Array}
//   Module.analyseInput(left, right, sampleRate) → {frames, integratedLufs, gainStagingDb,
//                                              noiseProfile: Float64Array, firstNonFiniteFrame}
//   Module.renderOffline(left, right, sampleRate, paramsJson) → {sampleRate, frames, left, right,
//        gainStagingDb, inputLufs, preNormalisationLufs, normalisationDb, deliveredLufs,
//        normalisationTries, latencyFrames, noiseProfileBins, notes}
//   Module.prepareBeat(left, right, beatRate, vocalRate) → {left, right, frames, lufs, gainDb}:
//        the beat resampled to the vocal's rate by the render's resampler, and its gain staging
//   Engine.processWithBeat(inL, inR, beatL, beatR, outL, outR, n)  Engine.setBeatGainDb(db)
//   Module.analyseTempo(left, right, sampleRate) → {bpm, confidence, reliable}
//   Module.matchReference(vocalLeft, vocalRight, vocalRate, refLeft, refRight, refRate, amountsJson,
//        vocalName, referenceName) → JSON text {"preset", "report"}: "Match a reference (beta)",
//        the same fit as `vocalmix match` (render/reference_match.h), byte for byte. Right
//        channels may be null (mono); amountsJson: "" or {"tone": 0–100, "dynamics", "space",
//        "loudness"}.
//   Module.renderOfflineWithBeat(left, right, sampleRate, paramsJson, beatLeft, beatRight, beatRate)
//        the same with an instrumental under the vocal (any rate; resampled to the vocal's).
//     paramsJson: a preset object (as presetsJson() lists), or a flat {"id": value} object, or
//     "" for the defaults. Output: the delivered float frames, before dither — what
//     `vocalmix render --format wav32f` writes.
//
// Errors reach JavaScript as `Error` objects with the engine's message. They are raised from
// C++ by a small EM_JS helper after the C++ exception has been caught and every C++ local
// destroyed; Embind's own argument temporaries of that one failed call are not freed (a few
// bytes per error, never on the success path).
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "decode.h"
#include "dsp/resampler.h"
#include "engine/chain.h"
#include "engine/preset.h"
#include "analysis/tempo.h"
#include "render/offline_mix.h"
#include "render/reference_match.h"

EM_JS(void, vocalmix_throw_js_error, (const char* message), {
  throw new Error(UTF8ToString(message));
});

namespace {

using emscripten::val;
using nlohmann::json;
using namespace vocalmix;

// Raises a JS Error. The message lives in a static string so nothing owning is left on the
// C++ stack when the JS exception unwinds it.
[[noreturn]] void throwJs(std::string message) {
  static std::string last;
  last = std::move(message);
  vocalmix_throw_js_error(last.c_str());
  __builtin_unreachable();
}

// Runs f(); a C++ exception becomes a JS Error (after f's frames are unwound the C++ way).
template <typename F>
auto guarded(const char* what, F&& f) -> decltype(f()) {
  std::string error;
  try {
    return f();
  } catch (const std::exception& e) {
    error = std::string(what) + ": " + e.what();
  } catch (...) {
    error = std::string(what) + ": unknown error";
  }
  throwJs(std::move(error));
}

val float32Copy(const std::vector<float>& v) {
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

val float64Copy(const std::vector<double>& v) {
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

// A JS Uint8Array / ArrayBuffer / number[] → bytes.
std::vector<uint8_t> bytesFrom(const val& v) {
  if (v.instanceof(val::global("ArrayBuffer"))) {
    return emscripten::convertJSArrayToNumberVector<uint8_t>(val::global("Uint8Array").new_(v));
  }
  return emscripten::convertJSArrayToNumberVector<uint8_t>(v);
}

void checkSampleRate(double sampleRate) {
  if (!(sampleRate >= render::kMinSampleRate && sampleRate <= render::kMaxSampleRate) ||
      sampleRate != std::floor(sampleRate)) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", sampleRate);
    throw std::invalid_argument(std::string("sample rate ") + rate +
                                " Hz is outside the supported " +
                                std::to_string(render::kMinSampleRate) + "–" +
                                std::to_string(render::kMaxSampleRate) + " Hz");
  }
}

ParamSet paramsFromJsonText(const std::string& text) {
  const std::string origin = "renderOffline parameters";
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return ParamSet();
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ParamError(origin + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw ParamError(origin + ": must be a JSON object");
  if (j.contains("params") || j.contains("name") || j.contains("description")) {
    return Preset::fromJson(j, origin).params;
  }
  ParamSet p;
  for (const auto& [id, value] : j.items()) setParamFromJson(p, id, value, origin);
  return p;
}

// Two planar channels held in memory, read as interleaved stereo frames.
class PlanarSource : public render::FrameSource {
 public:
  PlanarSource(const std::vector<float>& l, const std::vector<float>& r, int rate)
      : l_(l), r_(r), rate_(rate) {}
  int sampleRate() const override { return rate_; }
  int channels() const override { return 2; }
  int64_t frames() const override { return static_cast<int64_t>(l_.size()); }
  void rewind() override { pos_ = 0; }
  int64_t read(float* interleaved, int64_t frames) override {
    const int64_t n = std::min<int64_t>(frames, static_cast<int64_t>(l_.size()) - pos_);
    for (int64_t i = 0; i < n; ++i) {
      interleaved[2 * i] = l_[static_cast<size_t>(pos_ + i)];
      interleaved[2 * i + 1] = r_[static_cast<size_t>(pos_ + i)];
    }
    pos_ += n;
    return n;
  }

 private:
  const std::vector<float>& l_;
  const std::vector<float>& r_;
  int rate_;
  int64_t pos_ = 0;
};

class VectorSink : public render::FrameSink {
 public:
  explicit VectorSink(size_t frames) {
    left.reserve(frames);
    right.reserve(frames);
  }
  void write(const float* l, const float* r, int n) override {
    left.insert(left.end(), l, l + n);
    right.insert(right.end(), r, r + n);
  }
  void restart() override {
    left.clear();
    right.clear();
  }
  std::vector<float> left, right;
};

// left/right as JS arrays (Float32Array) of equal length; right may be null/undefined (mono).
void planarFrom(const val& left, const val& right, std::vector<float>& l, std::vector<float>& r) {
  l = emscripten::convertJSArrayToNumberVector<float>(left);
  if (right.isNull() || right.isUndefined()) {
    r = l;
  } else {
    r = emscripten::convertJSArrayToNumberVector<float>(right);
  }
  if (l.size() != r.size()) {
    throw std::invalid_argument("left and right have different lengths (" +
                                std::to_string(l.size()) + " and " + std::to_string(r.size()) +
                                " frames)");
  }
  if (l.empty()) throw std::invalid_argument("no audio (0 frames)");
}

// ---------------------------------------------------------------------------------------------

class Engine {
 public:
  void prepare(double sampleRate) {
    guarded("Engine.prepare", [&] {
      checkSampleRate(sampleRate);
      chain_.prepare(sampleRate, chain_.params(), /*withOutputStage=*/true);
      chain_.setMetering(true);  // the preview shows short-term loudness and true peak
      profile_.reserve(static_cast<size_t>(chain_.noiseProfileFftSize() / 2 + 1));
      chain_.setOutputGainDb(outputGainDb_);
      chain_.reset();
      prepared_ = true;
    });
  }

  void setParam(const std::string& id, double value) {
    guarded("Engine.setParam", [&] { chain_.setParam(std::string_view(id), value); });
  }

  double getParam(const std::string& id) {
    return guarded("Engine.getParam", [&] { return chain_.params().get(findParam(id)); });
  }

  void applyPresetJson(const std::string& text) {
    guarded("Engine.applyPresetJson", [&] {
      chain_.applyParams(Preset::fromJsonText(text, "preset").params);
    });
  }

  void applyPreset(const std::string& name) {
    guarded("Engine.applyPreset", [&] { chain_.applyParams(bundledPreset(name).params); });
  }

  std::string paramsJson() const {
    return Preset{"current", "", chain_.params()}.fullParamsJson().dump();
  }

  void reset() { chain_.reset(); }
  int latency() const { return chain_.latency(); }
  void setInputGainDb(double db) { chain_.setInputGainDb(db); }
  void setOutputGainDb(double db) {
    outputGainDb_ = db;
    chain_.setOutputGainDb(db);
  }

  // Copies into a buffer sized at prepare(), so a profile of the right size (the worklet
  // sends it on its audio thread) allocates nothing.
  void setNoiseProfile(const val& binPower) {
    guarded("Engine.setNoiseProfile", [&] {
      requirePrepared();
      const auto n = binPower["length"].as<size_t>();
      profile_.resize(n);
      val(emscripten::typed_memory_view(n, profile_.data())).call<void>("set", binPower);
      chain_.setNoiseProfile(profile_);
    });
  }
  void clearNoiseProfile() { chain_.clearNoiseProfile(); }
  int noiseProfileFftSize() const { return chain_.noiseProfileFftSize(); }

  void setBeatGainDb(double db) { chain_.setBeatGainDb(db); }
  // With the beat (already at the engine's rate) on a second pair of channels.
  void processWithBeat(uintptr_t inL, uintptr_t inR, uintptr_t beatL, uintptr_t beatR,
                       uintptr_t outL, uintptr_t outR, int n) {
    if (!prepared_ || n <= 0) return;
    chain_.process(reinterpret_cast<const float*>(inL),
                   inR ? reinterpret_cast<const float*>(inR) : nullptr,
                   reinterpret_cast<const float*>(beatL),
                   beatR ? reinterpret_cast<const float*>(beatR) : nullptr,
                   reinterpret_cast<float*>(outL), reinterpret_cast<float*>(outR), n);
  }

  // Real-time path: pointers into the module's heap, no allocation, no exceptions.
  void process(uintptr_t inL, uintptr_t inR, uintptr_t outL, uintptr_t outR, int n) {
    if (!prepared_ || n <= 0) return;
    chain_.process(reinterpret_cast<const float*>(inL),
                   inR ? reinterpret_cast<const float*>(inR) : nullptr,
                   reinterpret_cast<float*>(outL), reinterpret_cast<float*>(outR), n);
  }

  val meters() const {
    const ChainMeters& m = chain_.meters();
    val o = val::object();
    o.set("inputPeakDb", m.inputPeakDb);
    o.set("outputPeakDb", m.outputPeakDb);
    o.set("expanderGrDb", m.expanderGrDb);
    o.set("deEsserGrDb", m.deEsserGrDb);
    o.set("compressorGrDb", m.compressorGrDb);
    o.set("levelerGrDb", m.levelerGrDb);
    o.set("limiterGrDb", m.limiterGrDb);
    o.set("shortTermLufs", m.shortTermLufs);
    o.set("truePeakDb", m.truePeakDb);
    return o;
  }

  // The same numbers, in that order, as 7 doubles at `ptr` (8-byte aligned, from _malloc).
  // Also restarts the true-peak hold, so each read covers the time since the previous one.
  void readMeters(uintptr_t ptr) {
    const ChainMeters m = chain_.takeMeters();
    double* d = reinterpret_cast<double*>(ptr);
    d[0] = m.inputPeakDb;
    d[1] = m.outputPeakDb;
    d[2] = m.expanderGrDb;
    d[3] = m.deEsserGrDb;
    d[4] = m.compressorGrDb;
    d[5] = m.levelerGrDb;
    d[6] = m.limiterGrDb;
    d[7] = m.shortTermLufs;
    d[8] = m.truePeakDb;
  }

  // The audio thread's way to change a parameter: by schema index (the order of schemaJson()),
  // no strings, no JSON, no allocation. Out-of-range values are refused with a JS Error.
  void setParamIndex(int index, double value) {
    guarded("Engine.setParamIndex", [&] {
      if (index < 0 || index >= kParamCount) {
        throw ParamError("parameter index " + std::to_string(index) + " is out of range");
      }
      chain_.setParam(static_cast<ParamId>(index), value);
    });
  }

 private:
  void requirePrepared() const {
    if (!prepared_) throw std::logic_error("call prepare(sampleRate) first");
  }

  Chain chain_;
  std::vector<double> profile_;  // setNoiseProfile's copy of the JS array
  bool prepared_ = false;
  double outputGainDb_ = 0.0;
};

// ---------------------------------------------------------------------------------------------

std::string schemaJsonText() { return vocalmix::schemaJson().dump(); }

std::string presetsJsonText() {
  json out = json::array();
  for (const Preset& p : bundledPresets()) out.push_back(p.toJson());
  return out.dump();
}

std::string versionText() { return VOCALMIX_VERSION; }

val decode(const val& bytes) {
  return guarded("decode", [&] {
    const std::vector<uint8_t> data = bytesFrom(bytes);
    const wasm::DecodedAudio a = wasm::decodeAudio(data.data(), data.size(), "upload");
    val o = val::object();
    o.set("sampleRate", a.sampleRate);
    o.set("channels", a.channels);
    o.set("frames", static_cast<double>(a.frames));
    o.set("container", a.container);
    o.set("encoding", a.encoding);
    o.set("left", float32Copy(a.left));
    o.set("right", float32Copy(a.right));
    return o;
  });
}

val analyseInput(const val& left, const val& right, double sampleRate) {
  return guarded("analyseInput", [&] {
    checkSampleRate(sampleRate);
    std::vector<float> l, r;
    planarFrom(left, right, l, r);
    PlanarSource source(l, r, static_cast<int>(sampleRate));
    const render::InputAnalysis a = render::analyseInput(source);
    val o = val::object();
    o.set("frames", static_cast<double>(a.frames));
    o.set("integratedLufs", a.integratedLufs);
    o.set("gainStagingDb", a.gainStagingDb);
    o.set("noiseProfile", float64Copy(a.noiseProfile));
    o.set("firstNonFiniteFrame", static_cast<double>(a.firstNonFiniteFrame));
    return o;
  });
}

// Both render entry points: the vocal, and optionally a beat at its own rate.
val renderWith(const char* where, const val& left, const val& right, double sampleRate,
               const std::string& paramsJson, const val* beatLeft, const val* beatRight,
               double beatRate) {
  return guarded(where, [&] {
    checkSampleRate(sampleRate);
    const ParamSet params = paramsFromJsonText(paramsJson);
    std::vector<float> l, r, bl, br;
    planarFrom(left, right, l, r);
    auto requireFinite = [](const std::vector<float>& a, const std::vector<float>& b, const char* what) {
      for (size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
          throw std::invalid_argument(std::string(what) + " contains NaN or infinite samples (first at frame " +
                                      std::to_string(i) + "); the file is corrupt");
        }
      }
    };
    requireFinite(l, r, "input");
    PlanarSource source(l, r, static_cast<int>(sampleRate));
    std::unique_ptr<PlanarSource> beat;
    if (beatLeft) {
      if (!(beatRate >= 8000 && beatRate <= 384000)) {
        throw std::invalid_argument("beat sample rate " + std::to_string(beatRate) + " Hz is outside 8000–384000 Hz");
      }
      planarFrom(*beatLeft, *beatRight, bl, br);
      requireFinite(bl, br, "beat");
      beat = std::make_unique<PlanarSource>(bl, br, static_cast<int>(beatRate));
    }
    render::MemoryFrameStore store;
    VectorSink sink(l.size());
    // The delay's tempo is detected exactly when `vocalmix render` would: when the parameters
    // leave delay.bpm at its default.
    render::MixOptions options;
    options.detectTempo = params.get(ParamId::DelayBpm) == spec(ParamId::DelayBpm).defaultValue;
    const render::MixResult mix = render::runOfflineMix(source, params, store, sink, {}, beat.get(), options);
    val o = val::object();
    o.set("sampleRate", sampleRate);
    o.set("frames", static_cast<double>(sink.left.size()));
    o.set("left", float32Copy(sink.left));
    o.set("right", float32Copy(sink.right));
    o.set("gainStagingDb", mix.input.gainStagingDb);
    o.set("inputLufs", mix.input.integratedLufs);
    o.set("preNormalisationLufs", mix.preNormalisationLufs);
    o.set("normalisationDb", mix.normalisationDb);
    o.set("deliveredLufs", mix.deliveredLufs);
    o.set("normalisationTries", mix.normalisationTries);
    o.set("latencyFrames", mix.latencyFrames);
    o.set("noiseProfileBins", static_cast<double>(mix.input.noiseProfile.size()));
    o.set("beatGainDb", mix.beatGainDb);
    o.set("delayBpm", mix.delayBpm);
    o.set("detectedBpm", mix.detectedBpm);
    o.set("bpmConfidence", mix.bpmConfidence);
    val notes = val::array();
    for (const std::string& n : mix.notes) notes.call<void>("push", n);
    o.set("notes", notes);
    return o;
  });
}

// The beat brought to the vocal's rate by the render's own resampler (planar, same length the
// render uses), and its whole-file gain staging — what the preview needs to play it.
val prepareBeat(const val& left, const val& right, double beatRate, double outRate) {
  return guarded("prepareBeat", [&] {
    checkSampleRate(outRate);
    if (!(beatRate >= 8000 && beatRate <= 384000)) {
      throw std::invalid_argument("beat sample rate " + std::to_string(beatRate) + " Hz is outside 8000–384000 Hz");
    }
    std::vector<float> l, r;
    planarFrom(left, right, l, r);
    PlanarSource source(l, r, static_cast<int>(beatRate));
    const render::BeatAnalysis a = render::analyseBeat(source);
    Resampler rs;
    rs.prepare(static_cast<int>(beatRate), static_cast<int>(outRate), 2);
    std::vector<float> inter(2 * l.size());
    for (size_t i = 0; i < l.size(); ++i) {
      inter[2 * i] = l[i];
      inter[2 * i + 1] = r[i];
    }
    rs.push(inter.data(), static_cast<int>(l.size()));
    rs.finish();
    const int64_t outFrames = rs.outputFramesFor(static_cast<int64_t>(l.size()));
    std::vector<float> out(2 * static_cast<size_t>(outFrames)), ol(outFrames), orr(outFrames);
    int64_t got = 0;
    while (got < outFrames) {
      const int m = rs.pull(out.data() + 2 * got, static_cast<int>(std::min<int64_t>(65536, outFrames - got)));
      if (m == 0) break;
      got += m;
    }
    for (int64_t i = 0; i < outFrames; ++i) {
      ol[i] = out[2 * i];
      orr[i] = out[2 * i + 1];
    }
    val o = val::object();
    o.set("left", float32Copy(ol));
    o.set("right", float32Copy(orr));
    o.set("frames", static_cast<double>(outFrames));
    o.set("lufs", a.lufs);
    o.set("gainDb", a.gainDb);
    return o;
  });
}

// Tempo of planar audio (the same estimate `vocalmix analyze` and the render use).
val analyseTempo(const val& left, const val& right, double sampleRate) {
  return guarded("analyseTempo", [&] {
    checkSampleRate(sampleRate);
    std::vector<float> l, r;
    planarFrom(left, right, l, r);
    PlanarSource source(l, r, static_cast<int>(sampleRate));
    const tempo::TempoEstimate t = render::estimateTempo(source);
    val o = val::object();
    o.set("bpm", t.bpm);
    o.set("confidence", t.confidence);
    o.set("reliable", t.reliable);
    return o;
  });
}

val renderOffline(const val& left, const val& right, double sampleRate,
                  const std::string& paramsJson) {
  return renderWith("renderOffline", left, right, sampleRate, paramsJson, nullptr, nullptr, 0.0);
}

val renderOfflineWithBeat(const val& left, const val& right, double sampleRate,
                          const std::string& paramsJson, const val& beatLeft,
                          const val& beatRight, double beatRate) {
  return renderWith("renderOfflineWithBeat", left, right, sampleRate, paramsJson, &beatLeft,
                    &beatRight, beatRate);
}

// A mono source (right == null) stays one channel, as the native reader gives it.
class MonoSource : public render::FrameSource {
 public:
  MonoSource(const std::vector<float>& x, int rate) : x_(x), rate_(rate) {}
  int sampleRate() const override { return rate_; }
  int channels() const override { return 1; }
  int64_t frames() const override { return static_cast<int64_t>(x_.size()); }
  void rewind() override { pos_ = 0; }
  int64_t read(float* out, int64_t frames) override {
    const int64_t n = std::min<int64_t>(frames, static_cast<int64_t>(x_.size()) - pos_);
    std::copy_n(x_.begin() + pos_, n, out);
    pos_ += n;
    return n;
  }

 private:
  const std::vector<float>& x_;
  int rate_;
  int64_t pos_ = 0;
};

std::string matchReference(const val& vocalLeft, const val& vocalRight, double vocalRate, const val& refLeft,
                           const val& refRight, double refRate, const std::string& amountsJson,
                           const std::string& vocalName, const std::string& referenceName) {
  return guarded("matchReference", [&] {
    checkSampleRate(vocalRate);
    if (!(refRate >= 8000 && refRate <= 384000) || refRate != std::floor(refRate)) {
      throw std::invalid_argument("reference sample rate " + std::to_string(refRate) + " Hz is outside 8000–384000 Hz");
    }
    render::MatchAmounts amounts;
    if (amountsJson.find_first_not_of(" \t\r\n") != std::string::npos) {
      json j;
      try {
        j = json::parse(amountsJson);
      } catch (const json::parse_error& e) {
        throw render::MatchError(std::string("amounts: not valid JSON (") + e.what() + ")");
      }
      amounts = render::matchAmountsFromJson(j);
    }
    auto source = [](const val& left, const val& right, double rate, std::vector<float>& l, std::vector<float>& r)
        -> std::unique_ptr<render::FrameSource> {
      const bool mono = right.isNull() || right.isUndefined();
      planarFrom(left, right, l, r);
      if (mono) return std::make_unique<MonoSource>(l, static_cast<int>(rate));
      return std::make_unique<PlanarSource>(l, r, static_cast<int>(rate));
    };
    std::vector<float> vl, vr, rl, rr;
    const auto vocal = source(vocalLeft, vocalRight, vocalRate, vl, vr);
    const auto reference = source(refLeft, refRight, refRate, rl, rr);
    const render::MatchResult m = render::matchReference(*vocal, *reference, amounts, vocalName, referenceName);
    return json{{"preset", m.preset.toJson()}, {"report", m.report}}.dump();
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(vocalmix) {
  using namespace emscripten;
  class_<Engine>("Engine")
      .constructor<>()
      .function("prepare", &Engine::prepare)
      .function("setParam", &Engine::setParam)
      .function("getParam", &Engine::getParam)
      .function("applyPresetJson", &Engine::applyPresetJson)
      .function("applyPreset", &Engine::applyPreset)
      .function("paramsJson", &Engine::paramsJson)
      .function("reset", &Engine::reset)
      .function("latency", &Engine::latency)
      .function("setInputGainDb", &Engine::setInputGainDb)
      .function("setOutputGainDb", &Engine::setOutputGainDb)
      .function("setNoiseProfile", &Engine::setNoiseProfile)
      .function("clearNoiseProfile", &Engine::clearNoiseProfile)
      .function("noiseProfileFftSize", &Engine::noiseProfileFftSize)
      .function("process", &Engine::process)
      .function("meters", &Engine::meters)
      .function("readMeters", &Engine::readMeters)
      .function("setBeatGainDb", &Engine::setBeatGainDb)
      .function("processWithBeat", &Engine::processWithBeat)
      .function("setParamIndex", &Engine::setParamIndex);
  function("schemaJson", &schemaJsonText);
  function("presetsJson", &presetsJsonText);
  function("version", &versionText);
  function("decode", &decode);
  function("analyseInput", &analyseInput);
  function("renderOffline", &renderOffline);
  function("renderOfflineWithBeat", &renderOfflineWithBeat);
  function("prepareBeat", &prepareBeat);
  function("analyseTempo", &analyseTempo);
  function("matchReference", &matchReference);
}
