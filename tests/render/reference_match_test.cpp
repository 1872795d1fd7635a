// "Match a reference" measured on real recorded voices with a known ground truth.
//
// Test set: the client's vocal is the alsa-utils recorded speech as a raw take (pink noise, hum,
// an unbalanced image: tests/support/test_vocal.h). References are made from OTHER recorded
// voices — the two Dutch voice actors of fillets-ng-data-nl (Debian; the big fish "-v-" and the
// small fish "-m-" dialogue lines, 22.05 kHz Vorbis) — processed by this engine with known EQ,
// compression, reverb and loudness settings, so the truth is known.
//
// Distance = RMS dB difference of the 1/3-octave envelopes over the voice-active parts (level
// removed; AudioProfile), plus |Δ crest factor| and |Δ LUFS|. Goals (issue 9):
//   - the matched render cuts the envelope distance to the reference by ≥ 60 % against the raw
//     vocal and by ≥ 30 % against the best of the three bundled presets;
//   - it lands within 1 LU of the reference's loudness;
//   - the fitted EQ recovers the known EQ moves within ±1.5 dB: asserted where the processing is
//     the only difference (the reference made from the very recording used as the vocal). With
//     another voice the fit also (rightly) corrects the difference between the voices, so there the
//     moves are read as the fit to the processed reference minus the fit to the same reference made
//     with a flat EQ, and reported (two voices' envelopes differ by ±3–7 dB band to band);
//   - the matched render passes the QUALITY.md checks: noise-to-voice no worse than the input,
//     dry vocal centred (mid/side ≥ 10 dB with sends on), true peak under the −1 dBTP ceiling.
// Each case prints its row of the table in README.md ("Match a reference (beta)").
#include "render/reference_match.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "analysis/quality_report.h"
#include "dsp/biquad.h"
#include "io/audio_file.h"
#include "support/drum_patterns.h"
#include "support/test_vocal.h"

namespace fs = std::filesystem;
using namespace vocalmix;
using namespace vocalmix::render;
using analysis::AudioProfile;

namespace {

constexpr const char* kOtherVoices = "/usr/share/games/fillets-ng/sound";

// Under AddressSanitizer (the second stage of scripts/test.sh: an unoptimised build, ~15× slower
// here) one cross-voice case, the recovery case, the amounts and the bad input cover every code
// path; the other cross-voice cases and the reported-only flat-EQ fits run in the optimised build.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

struct Audio {
  int rate = 0;
  int channels = 0;
  std::vector<float> samples;  // interleaved
  int64_t frames() const { return static_cast<int64_t>(samples.size()) / channels; }
};

class VectorSource : public FrameSource {
 public:
  explicit VectorSource(const Audio& a) : a_(a) {}
  int sampleRate() const override { return a_.rate; }
  int channels() const override { return a_.channels; }
  int64_t frames() const override { return a_.frames(); }
  void rewind() override { pos_ = 0; }
  int64_t read(float* out, int64_t frames) override {
    const int64_t n = std::min(frames, a_.frames() - pos_);
    std::copy_n(a_.samples.begin() + pos_ * a_.channels, n * a_.channels, out);
    pos_ += n;
    return n;
  }

 private:
  const Audio& a_;
  int64_t pos_ = 0;
};

class VectorSink : public FrameSink {
 public:
  void write(const float* l, const float* r, int n) override {
    for (int i = 0; i < n; ++i) {
      samples.push_back(l[i]);
      samples.push_back(r[i]);
    }
  }
  void restart() override { samples.clear(); }
  std::vector<float> samples;
};

Audio renderWith(const Audio& in, const ParamSet& params) {
  VectorSource source(in);
  MemoryFrameStore store;
  VectorSink sink;
  runOfflineMix(source, params, store, sink);
  return {in.rate, 2, std::move(sink.samples)};
}

AudioProfile profile(const Audio& a) {
  VectorSource s(a);
  return profileSource(s);
}

analysis::QualityReport quality(const Audio& a) {
  analysis::QualityAnalyzer q(a.rate, a.channels);
  q.addFrames(a.samples.data(), a.frames());
  return q.finish();
}

// One voice actor's dialogue lines, in a fixed order, strung together with pauses.
Audio otherVoice(const std::string& who, double seconds, size_t firstClip) {
  std::vector<std::string> clips;
  if (fs::is_directory(kOtherVoices)) {
    for (const auto& e : fs::recursive_directory_iterator(kOtherVoices)) {
      const std::string name = e.path().filename().string();
      if (e.path().parent_path().filename() == "nl" && name.find("-" + who + "-") != std::string::npos &&
          e.path().extension() == ".ogg") {
        clips.push_back(e.path().string());
      }
    }
  }
  std::sort(clips.begin(), clips.end());
  INFO("install fillets-ng-data-nl (scripts/setup.sh): other recorded voices for the reference");
  REQUIRE(clips.size() >= 20);
  Audio out{22050, 2, {}};
  const auto pause = static_cast<size_t>(0.6 * out.rate) * 2;
  out.samples.assign(pause, 0.0f);
  REQUIRE(clips.size() > firstClip + 40);
  for (size_t i = firstClip; i < clips.size(); ++i) {
    io::AudioReader r(clips[i]);
    REQUIRE(r.info().sampleRate == out.rate);
    REQUIRE(r.info().channels == 2);
    std::vector<float> buf(static_cast<size_t>(r.info().frames) * 2);
    buf.resize(static_cast<size_t>(r.read(buf.data(), r.info().frames)) * 2);
    out.samples.insert(out.samples.end(), buf.begin(), buf.end());
    out.samples.insert(out.samples.end(), pause, 0.0f);
    if (out.frames() >= seconds * out.rate) break;
  }
  return out;
}

const Audio& clientVocal() {
  static const Audio a = [] {
    testing::TestVocalOptions o;  // ~20 s of recorded speech, noise, hum, unbalanced image
    const testing::TestVocal v = testing::makeTestVocal(o);
    return Audio{v.sampleRate, v.channels, v.samples};
  }();
  return a;
}

// The engine's EQ curve (dB) at f, from a parameter set (the five bands of the chain).
double eqCurveDb(const ParamSet& p, double rate, double f) {
  if (p.get(ParamId::EqOn) < 0.5) return 0.0;
  struct B { FilterType t; ParamId f, g; double q; };
  const B bands[] = {
      {FilterType::LowShelf, ParamId::EqLowFreq, ParamId::EqLowGain, 0.70710678118654752440},
      {FilterType::Peak, ParamId::EqMudFreq, ParamId::EqMudGain, p.get(ParamId::EqMudQ)},
      {FilterType::Peak, ParamId::EqMidFreq, ParamId::EqMidGain, p.get(ParamId::EqMidQ)},
      {FilterType::Peak, ParamId::EqPresenceFreq, ParamId::EqPresenceGain, p.get(ParamId::EqPresenceQ)},
      {FilterType::HighShelf, ParamId::EqAirFreq, ParamId::EqAirGain, 0.70710678118654752440},
  };
  double sum = 0.0;
  for (const B& b : bands) {
    if (p.get(b.g) == 0.0) continue;
    sum += BiquadCoefficients::design(b.t, rate, p.get(b.f), b.q, p.get(b.g)).magnitudeDb(rate, f);
  }
  return sum;
}

// The whole tone stage: high-pass (one or two Butterworth sections), low-pass, EQ.
double toneCurveDb(const ParamSet& p, double rate, double f) {
  double sum = eqCurveDb(p, rate, f);
  const double q = 0.70710678118654752440;
  if (p.get(ParamId::HpfOn) >= 0.5) {
    sum += (p.get(ParamId::HpfSlope) >= 0.5 ? 2 : 1) *
           BiquadCoefficients::design(FilterType::HighPass, rate, p.get(ParamId::HpfFreq), q, 0.0).magnitudeDb(rate, f);
  }
  if (p.get(ParamId::LpfOn) >= 0.5) {
    sum += BiquadCoefficients::design(FilterType::LowPass, rate, p.get(ParamId::LpfFreq), q, 0.0).magnitudeDb(rate, f);
  }
  return sum;
}

struct EqMove {
  ParamId freqId, gainId;
  double freq, gain;
};

struct Case {
  std::string name;
  std::string voice;  // the reference's voice actor: "m" or "v"
  size_t firstClip;   // which of their lines
  std::vector<EqMove> moves;
  std::vector<std::pair<ParamId, double>> other;  // compression, sends, loudness
  // The client's vocal: the alsa-utils speaker as a raw take, or (for the EQ-recovery case) the
  // very recording the reference was made from, unprocessed: then the processing is the only
  // difference, and the fit must find it. (Other lines of the same speaker differ by ±3–7 dB per
  // 1/3-octave band over 20 s, more than the ±1.5 dB asked of the recovery.)
  bool sameSpeaker = false;
};

// The goals of issue 9.
constexpr double kMinCutVsRaw = 0.60;
constexpr double kMinCutVsBestPreset = 0.30;
constexpr double kMaxLoudnessMissLu = 1.0;
constexpr double kMaxEqMoveErrorDb = 1.5;

void runCase(const Case& c) {
  std::printf("| case | raw | best preset | matched | cut vs raw | cut vs preset | ΔLUFS | Δcrest | EQ true→recovered |\n");
  if (!testing::speechAvailable()) FAIL("alsa-utils recorded speech is missing (scripts/setup.sh)");
  const Audio voice = otherVoice(c.voice, 20.0, c.firstClip);
  Audio vocal = c.sameSpeaker ? voice : clientVocal();
  if (c.sameSpeaker) {  // a raw take has a noise floor: white noise at about −66 dBFS RMS
    uint32_t state = 2024;
    for (float& x : vocal.samples) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      x += static_cast<float>(0.00087 * (state / 4294967296.0 * 2.0 - 1.0));
    }
  }
  ParamSet known, flat;
  for (const auto& [id, v] : c.other) {
    known.set(id, v);
    flat.set(id, v);
  }
  for (const EqMove& m : c.moves) {
    known.set(m.freqId, m.freq);
    known.set(m.gainId, m.gain);
    flat.set(m.freqId, m.freq);
  }
  const Audio reference = renderWith(voice, known);
  const AudioProfile ref = profile(reference);
  VectorSource vocalSource(vocal), refSource(reference);
  const MatchResult match = matchReference(vocalSource, refSource, MatchAmounts{}, "client.wav", c.name + ".wav");
  // The report as an artefact (test-tmp/match-CASE.json) for a person to read.
  fs::create_directories(VOCALMIX_TEST_TMP);
  std::ofstream(std::string(VOCALMIX_TEST_TMP) + "/match-" + c.name + ".json")
      << nlohmann::json{{"preset", match.preset.toJson()}, {"report", match.report}}.dump(2) << "\n";

  // Distances on the whole vocal: raw, every bundled preset, the matched preset.
  const double raw = analysis::envelopeDistanceDb(profile(vocal), ref);
  double bestPreset = 1e9;
  std::string bestName;
  for (const Preset& p : bundledPresets()) {
    const double d = analysis::envelopeDistanceDb(profile(renderWith(vocal, p.params)), ref);
    if (d < bestPreset) {
      bestPreset = d;
      bestName = p.name;
    }
  }
  const Audio matched = renderWith(vocal, match.preset.params);
  const AudioProfile m = profile(matched);
  const double distance = analysis::envelopeDistanceDb(m, ref);
  const double cutRaw = 1.0 - distance / raw, cutPreset = 1.0 - distance / bestPreset;
  const double dLufs = m.integratedLufs - ref.integratedLufs;
  const double dCrest = m.crestDb - ref.crestDb;
  std::printf("| %s | %.2f | %.2f (%s) | %.2f | %.0f %% | %.0f %% | %+.2f | %+.2f |", c.name.c_str(), raw,
              bestPreset, bestName.c_str(), distance, 100 * cutRaw, 100 * cutPreset, dLufs, dCrest);
  CHECK(cutRaw >= kMinCutVsRaw);
  CHECK(cutPreset >= kMinCutVsBestPreset);
  CHECK(std::fabs(dLufs) <= kMaxLoudnessMissLu);

  // Known EQ moves. Same speaker: the matched preset's tone stage (high-pass, low-pass, EQ) read
  // at each move's frequency against the reference's own settings, asserted. Another voice: the
  // fit also corrects the difference between the voices, so the moves are read as the fit to the
  // processed reference minus the fit to the same reference made with a flat EQ (reported).
  MatchResult matchFlat;
  const bool differential = !c.sameSpeaker && !kSanitized;
  if (differential) {
    const Audio referenceFlat = renderWith(voice, flat);
    VectorSource flatSource(referenceFlat);
    matchFlat = matchReference(vocalSource, flatSource, MatchAmounts{}, "client.wav", c.name + "-flat.wav");
  }
  for (const EqMove& mv : c.moves) {
    if (!c.sameSpeaker && !differential) break;
    const double truth = eqCurveDb(known, vocal.rate, mv.freq);
    const double fitted = c.sameSpeaker
        ? toneCurveDb(match.preset.params, vocal.rate, mv.freq) - toneCurveDb(known, vocal.rate, mv.freq) + truth
        : toneCurveDb(match.preset.params, vocal.rate, mv.freq) - toneCurveDb(matchFlat.preset.params, vocal.rate, mv.freq);
    std::printf(" %+.1f→%+.1f dB @ %.0f Hz", truth, fitted, mv.freq);
    INFO("EQ move at " << mv.freq << " Hz: true " << truth << " dB, recovered " << fitted << " dB");
    if (c.sameSpeaker) CHECK(std::fabs(fitted - truth) <= kMaxEqMoveErrorDb);
  }
  std::printf(" | base %s\n", match.report["base_preset"].get<std::string>().c_str());

  // QUALITY.md on the matched render.
  const analysis::QualityReport in = quality(vocal), out = quality(matched);
  CHECK(out.noiseToVoiceDb <= in.noiseToVoiceDb);
  CHECK(out.midSideDb >= 10.0);
  CHECK(out.truePeakDbtp <= -1.0);
  CHECK_FALSE(out.hasNanOrInf);
  CHECK(std::fabs(out.dcOffset) < 1e-4);

  // The report explains the moves, and the preset is a regular, loadable preset.
  CHECK_FALSE(match.report["summary"].empty());
  CHECK(match.report["changes"].size() >= 1);
  const Preset reloaded = Preset::fromJson(match.preset.toJson(), "matched preset");
  CHECK(reloaded.params == match.preset.params);
}

}  // namespace

TEST_CASE("reference match: bright compressed reference with a plate (another voice)", "[match]") {
  runCase({"bright-compressed-plate", "m", 0,
           {{ParamId::EqMudFreq, ParamId::EqMudGain, 300.0, -4.0},
            {ParamId::EqPresenceFreq, ParamId::EqPresenceGain, 3200.0, 5.0}},
           {{ParamId::CompThresh, -30.0}, {ParamId::CompRatio, 4.0}, {ParamId::ReverbSend, -14.0},
            {ParamId::OutputTarget, -12.0}}});
}

TEST_CASE("reference match: warm dark dry reference (another voice)", "[match]") {
  if (kSanitized) {
    WARN("not run under AddressSanitizer (see kSanitized): runs in the optimised build");
    return;
  }
  runCase({"warm-dark-dry", "m", 100,
           {{ParamId::EqLowFreq, ParamId::EqLowGain, 150.0, 4.0},
            {ParamId::EqPresenceFreq, ParamId::EqPresenceGain, 2500.0, -4.0}},
           {{ParamId::CompThresh, -18.0}, {ParamId::CompRatio, 2.0}, {ParamId::ReverbSend, -32.0},
            {ParamId::DelaySend, -40.0}, {ParamId::OutputTarget, -16.0}}});
}

// A lower register than the client's: the reference's fundamentals (100–160 Hz) are not in the
// client's voice at all; the tone fit still reaches the same goals.
TEST_CASE("reference match: a lower male voice in a hall (cross-register)", "[match]") {
  if (kSanitized) {
    WARN("not run under AddressSanitizer (see kSanitized): runs in the optimised build");
    return;
  }
  Case c{"male-voice-hall", "v", 0,
         {{ParamId::EqMidFreq, ParamId::EqMidGain, 1000.0, 3.0}},
         {{ParamId::CompThresh, -24.0}, {ParamId::ReverbType, 2.0}, {ParamId::ReverbSend, -12.0},
          {ParamId::OutputTarget, -14.0}}};
  runCase(c);
}

TEST_CASE("reference match: known EQ moves are recovered (the same recording processed)", "[match]") {
  Case c{"eq-recovery", "m", 200,
         {{ParamId::EqMudFreq, ParamId::EqMudGain, 300.0, -4.0},
          {ParamId::EqPresenceFreq, ParamId::EqPresenceGain, 3200.0, 5.0},
          {ParamId::EqLowFreq, ParamId::EqLowGain, 120.0, 3.0}},
         {{ParamId::CompThresh, -24.0}, {ParamId::ReverbSend, -20.0}, {ParamId::OutputTarget, -14.0}}};
  c.sameSpeaker = true;
  runCase(c);
}

TEST_CASE("reference match: amounts move each aspect from the base preset", "[match]") {
  const Audio& vocal = clientVocal();
  const Audio voice = otherVoice("m", 12.0, 50);
  ParamSet known;
  known.set(ParamId::EqPresenceGain, 5.0);
  known.set(ParamId::ReverbSend, -12.0);
  known.set(ParamId::OutputTarget, -11.0);
  const Audio reference = renderWith(voice, known);
  VectorSource v(vocal), r(reference);
  MatchAmounts none{0.0, 0.0, 0.0, 0.0};
  const MatchResult zero = matchReference(v, r, none, "client.wav", "ref.wav");
  const Preset& base = bundledPreset(zero.report["base_preset"].get<std::string>());
  // At 0 % everything but the reference's tempo (none here: speech) stays the base preset's.
  CHECK(zero.preset.params == base.params);
  const MatchResult full = matchReference(v, r, MatchAmounts{}, "client.wav", "ref.wav");
  const MatchResult half = matchReference(v, r, MatchAmounts{50.0, 50.0, 50.0, 50.0}, "client.wav", "ref.wav");
  CHECK(full.report["base_preset"] == zero.report["base_preset"]);
  for (ParamId id : {ParamId::EqPresenceGain, ParamId::CompThresh, ParamId::ReverbSend, ParamId::OutputTarget}) {
    const double b = base.params.get(id), f = full.preset.params.get(id), h = half.preset.params.get(id);
    INFO(spec(id).id << ": base " << b << ", 50 % " << h << ", 100 % " << f);
    CHECK(h == Approx(b + 0.5 * (f - b)).margin(0.051));  // values are quantised to 0.1
  }
  // The same inputs give the same preset and report, to the byte (a fourth full match: left to
  // the optimised build, the sanitizer stage's longest test otherwise).
  if (!kSanitized) {
    const MatchResult again = matchReference(v, r, MatchAmounts{}, "client.wav", "ref.wav");
    CHECK(again.report.dump() == full.report.dump());
    CHECK(again.preset.toJson().dump() == full.preset.toJson().dump());
  }
}

TEST_CASE("reference match: a reference with a beat sets the delay to its tempo", "[match]") {
  // A "finished song": a 96 BPM boom-bap pattern with recorded speech on top (the tempo tests'
  // generator); its tempo is found with a reliable confidence, and the delay follows it.
  testing::DrumPattern p;
  p.name = "boom bap + voice";
  p.bpm = 96.0;
  p.kick = "x......x..x.....";
  p.snare = "....x.......x...";
  p.hat = "x.x.x.x.x.x.x.x.";
  p.voice = true;
  p.seconds = 16.0;
  const Audio song{p.sampleRate, 2, testing::renderDrumPattern(p, 2)};
  VectorSource v(clientVocal()), r(song);
  const MatchResult m = matchReference(v, r, MatchAmounts{}, "client.wav", "song.wav");
  INFO(m.report["reference_tempo"].dump());
  CHECK(m.report["reference_tempo"]["used"] == true);
  CHECK(m.preset.params.get(ParamId::DelayBpm) == Approx(96.0).margin(1.0));
  bool said = false;
  for (const auto& line : m.report["summary"]) said = said || line.get<std::string>().rfind("delay tempo", 0) == 0;
  CHECK(said);
}

TEST_CASE("reference match: bad input gets a clear error", "[match]") {
  const Audio& vocal = clientVocal();
  Audio silent{48000, 2, std::vector<float>(48000 * 2 * 3, 0.0f)};
  VectorSource v(vocal), s(silent);
  CHECK_THROWS_WITH(matchReference(v, s, MatchAmounts{}, "client.wav", "quiet.wav"),
                    Catch::Contains("reference 'quiet.wav' is silent"));
  VectorSource s2(silent), v2(vocal);
  CHECK_THROWS_WITH(matchReference(s2, v2, MatchAmounts{}, "empty.wav", "ref.wav"),
                    Catch::Contains("vocal 'empty.wav' is silent"));
  CHECK_THROWS_WITH(parseMatchAmounts("tone=100,warmth=20"), Catch::Contains("unknown amount 'warmth'"));
  CHECK_THROWS_WITH(parseMatchAmounts("tone=120"), Catch::Contains("outside 0–100"));
  CHECK_THROWS_WITH(parseMatchAmounts("tone=-1"), Catch::Contains("outside 0–100"));
  CHECK_THROWS_WITH(parseMatchAmounts("tone=loud"), Catch::Contains("not a number"));
  CHECK_THROWS_WITH(parseMatchAmounts("tone"), Catch::Contains("expected KEY=PERCENT"));
  const MatchAmounts a = parseMatchAmounts("dynamics=80,space=50");
  CHECK(a.tone == 100.0);
  CHECK(a.dynamics == 80.0);
  CHECK(a.space == 50.0);
  CHECK(a.loudness == 100.0);
  CHECK_THROWS_WITH(matchAmountsFromJson(nlohmann::json{{"tone", "x"}}), Catch::Contains("must be a number"));
  CHECK_THROWS_WITH(matchAmountsFromJson(nlohmann::json{{"space", 101}}), Catch::Contains("outside 0–100"));
}
