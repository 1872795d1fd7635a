// The full chain with every preset, on recorded speech with noise, hum and an unbalanced
// stereo image (tests/support/test_vocal.h). References: bit-exactness across block sizes,
// exact L/R identity with sends off, QUALITY.md's DC and click bounds, digital silence.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "engine/chain.h"
#include "engine/preset.h"
#include "support/test_vocal.h"

using namespace vocalmix;

namespace {

struct Stereo {
  std::vector<float> l, r;
};

const testing::TestVocal& vocal() {
  static const testing::TestVocal v = [] {
    testing::TestVocalOptions o;
    o.seconds = 6.0;
    return testing::makeTestVocal(o);
  }();
  return v;
}

Stereo split(const testing::TestVocal& v) {
  Stereo s;
  const size_t n = v.samples.size() / 2;
  s.l.resize(n);
  s.r.resize(n);
  for (size_t i = 0; i < n; ++i) {
    s.l[i] = v.samples[2 * i];
    s.r[i] = v.samples[2 * i + 1];
  }
  return s;
}

// The whole-file noise profile, as the render and the browser preview compute it: from the
// centred input after the chain's +6 dB gain staging.
const std::vector<double>& noiseProfile() {
  static const std::vector<double> profile = [] {
    const Stereo in = split(vocal());
    NoiseProfileEstimator est;
    est.prepare(48000.0);
    std::vector<double> mid(in.l.size());
    for (size_t i = 0; i < mid.size(); ++i) mid[i] = 0.5 * (double(in.l[i]) + in.r[i]) * 1.9952623149688795;
    est.push(mid.data(), static_cast<int>(mid.size()));
    return est.profile();
  }();
  return profile;
}

// Runs the chain over the input in host blocks of `block` frames; `change` runs before the
// block that starts at `changeFrame` (for mid-stream changes).
template <typename Change>
Stereo run(const ParamSet& params, const Stereo& in, int block, int changeFrame, Change&& change) {
  Chain chain;
  chain.prepare(48000.0, params);
  chain.setInputGainDb(6.0);
  chain.setNoiseProfile(noiseProfile());
  Stereo out;
  out.l.resize(in.l.size());
  out.r.resize(in.r.size());
  const int total = static_cast<int>(in.l.size());
  for (int pos = 0; pos < total;) {
    int n = std::min(block, total - pos);
    if (pos < changeFrame && pos + n > changeFrame) n = changeFrame - pos;  // change lands on a frame
    if (pos == changeFrame) change(chain);
    chain.process(&in.l[pos], &in.r[pos], &out.l[pos], &out.r[pos], n);
    pos += n;
  }
  return out;
}
Stereo run(const ParamSet& params, const Stereo& in, int block) {
  return run(params, in, block, -1, [](Chain&) {});
}

double maxJump(const std::vector<float>& x, size_t from, size_t to) {
  double m = 0;
  for (size_t i = std::max<size_t>(from, 1); i < to && i < x.size(); ++i) {
    m = std::max(m, std::fabs(static_cast<double>(x[i]) - x[i - 1]));
  }
  return m;
}

// A parameter change at an exact frame of a scripted run.
struct ScriptEvent {
  int frame;
  ParamId id;
  double value;
};

// Runs `chain` (prepared) over `in` in host blocks of `block` frames, applying each scripted
// change at its frame (blocks are cut there); with beat channels, the beat overload.
Stereo runScripted(Chain& chain, const Stereo& in, const std::vector<ScriptEvent>& script, int block,
                   const std::vector<float>* beatL = nullptr, const std::vector<float>* beatR = nullptr) {
  const size_t total = in.l.size();
  Stereo out;
  out.l.resize(total);
  out.r.resize(total);
  size_t next = 0;
  for (size_t pos = 0; pos < total;) {
    while (next < script.size() && static_cast<size_t>(script[next].frame) == pos) {
      chain.setParam(script[next].id, script[next].value);
      ++next;
    }
    size_t n = std::min<size_t>(block, total - pos);
    if (next < script.size()) n = std::min<size_t>(n, script[next].frame - pos);
    if (beatL) {
      chain.process(&in.l[pos], &in.r[pos], &(*beatL)[pos], &(*beatR)[pos], &out.l[pos], &out.r[pos],
                    static_cast<int>(n));
    } else {
      chain.process(&in.l[pos], &in.r[pos], &out.l[pos], &out.r[pos], static_cast<int>(n));
    }
    pos += n;
  }
  return out;
}

// Frames (left and right) where two runs differ.
size_t differingFrames(const Stereo& a, const Stereo& b) {
  size_t differing = 0;
  for (size_t i = 0; i < a.l.size(); ++i) differing += (a.l[i] != b.l[i]) + (a.r[i] != b.r[i]);
  return differing;
}

}  // namespace

TEST_CASE("every preset: bit-identical output for block sizes 1, 128, 480, 4096", "[chain]") {
  const Stereo in = split(vocal());
  for (const auto& preset : bundledPresets()) {
    INFO("preset " << preset.name);
    const Stereo ref = run(preset.params, in, 4096);
    for (int block : {1, 128, 480}) {
      INFO("block size " << block);
      const Stereo out = run(preset.params, in, block);
      size_t differing = 0;
      for (size_t i = 0; i < ref.l.size(); ++i) {
        differing += (out.l[i] != ref.l[i]) + (out.r[i] != ref.r[i]);
      }
      CHECK(differing == 0);
    }
  }
}

// The chain's fast paths (settled filters run as plain biquads, stages settled on/off, hoisted
// send and input gains, the fused output loop) are taken per 256-frame chunk from the second
// frame on; a host block of 1 frame always takes the per-sample path. So every block size must
// give block size 1's bits through glides, bypass toggles, EQ bands gliding to and from 0 dB,
// the high-pass slope crossfade, with and without the output stage and a beat.
TEST_CASE("fast paths: bit-identical to the per-sample path through glides and toggles", "[chain]") {
  const std::vector<ScriptEvent> script = {
      {1000, ParamId::EqOn, 0},           {20000, ParamId::EqOn, 1},
      {30001, ParamId::EqPresenceGain, 0}, {45000, ParamId::EqPresenceGain, 6},
      {50000, ParamId::EqLowGain, 3},     {52003, ParamId::EqMudFreq, 500},
      {60000, ParamId::HpfSlope, 0},      {70000, ParamId::HpfSlope, 1},
      {80000, ParamId::HpfOn, 0},         {81000, ParamId::HpfSlope, 0},
      {95000, ParamId::HpfOn, 1},         {97000, ParamId::HpfFreq, 200},
      {110000, ParamId::LpfOn, 1},        {120000, ParamId::LpfFreq, 5000},
      {140000, ParamId::LpfOn, 0},        {150000, ParamId::InputTrim, 6},
      {160000, ParamId::DelaySend, -6},   {170000, ParamId::ReverbOn, 0},
      {180000, ParamId::CompOn, 0},       {200000, ParamId::CompOn, 1},
      {210000, ParamId::LevelerThresh, -40}, {220000, ParamId::SatOn, 1}};
  const Stereo in = split(vocal());
  const size_t total = in.l.size();
  std::vector<float> beatL(total), beatR(total);
  for (size_t i = 0; i < total; ++i) {
    beatL[i] = 0.2f * in.r[(i * 7) % total];
    beatR[i] = 0.2f * in.l[(i * 13) % total];
  }
  for (const int mode : {0, 1, 2}) {  // output stage on; off (as the render runs it); beat
    INFO("mode " << mode);
    const auto runScript = [&](int block) {
      Chain chain;
      chain.prepare(48000.0, bundledPreset("modern_clean").params, mode != 1);
      chain.setInputGainDb(6.0);
      chain.setNoiseProfile(noiseProfile());
      chain.setBeatGainDb(-6.0);
      return mode == 2 ? runScripted(chain, in, script, block, &beatL, &beatR)
                       : runScripted(chain, in, script, block);
    };
    const Stereo ref = runScript(1);
    for (const int block : {37, 256, 4096}) {
      INFO("block size " << block);
      CHECK(differingFrames(runScript(block), ref) == 0);
    }
  }
}

TEST_CASE("every preset: finite, DC-free output with a centred, audible mix", "[chain]") {
  const Stereo in = split(vocal());
  for (const auto& preset : bundledPresets()) {
    INFO("preset " << preset.name);
    const Stereo out = run(preset.params, in, 512);
    double sumL = 0, sumR = 0, energyL = 0, energyR = 0, mid = 0, side = 0;
    bool finite = true;
    for (size_t i = 0; i < out.l.size(); ++i) {
      finite = finite && std::isfinite(out.l[i]) && std::isfinite(out.r[i]);
      sumL += out.l[i];
      sumR += out.r[i];
      energyL += double(out.l[i]) * out.l[i];
      energyR += double(out.r[i]) * out.r[i];
      const double m = 0.5 * (out.l[i] + out.r[i]), s = 0.5 * (out.l[i] - out.r[i]);
      mid += m * m;
      side += s * s;
    }
    CHECK(finite);
    CHECK(std::fabs(sumL / out.l.size()) < 1e-4);  // QUALITY.md: |mean| < 1e-4
    CHECK(std::fabs(sumR / out.r.size()) < 1e-4);
    CHECK(std::fabs(10 * std::log10(energyL / energyR)) < 1.0);  // balanced within 1 dB
    CHECK(10 * std::log10(mid / side) >= 10.0);                  // QUALITY.md: mid/side >= 10 dB
    CHECK(energyL / out.l.size() > 1e-5);                        // something audible came out
  }
}

TEST_CASE("sends off: L and R are bit-identical even for an unbalanced input", "[chain]") {
  const Stereo in = split(vocal());  // right channel is 4 dB down
  for (const auto& preset : bundledPresets()) {
    INFO("preset " << preset.name);
    ParamSet p = preset.params;
    p.set(ParamId::DelayOn, 0);
    p.set(ParamId::ReverbOn, 0);
    const Stereo out = run(p, in, 480);
    size_t differing = 0;
    for (size_t i = 0; i < out.l.size(); ++i) differing += out.l[i] != out.r[i];
    CHECK(differing == 0);
  }
}

TEST_CASE("digital silence in gives digital silence out", "[chain]") {
  Stereo in;
  in.l.assign(48000 * 3, 0.0f);
  in.r = in.l;
  for (const auto& preset : bundledPresets()) {
    INFO("preset " << preset.name);
    const Stereo out = run(preset.params, in, 1024);
    size_t nonZero = 0;
    for (size_t i = 0; i < out.l.size(); ++i) nonZero += (out.l[i] != 0.0f) + (out.r[i] != 0.0f);
    CHECK(nonZero == 0);
  }
}

TEST_CASE("switching presets or parameters mid-stream does not click", "[chain]") {
  // Reference: the largest sample-to-sample step that either setting produces on its own in
  // the same window (10 ms before to 100 ms after the change, covering every glide); a click
  // is a step beyond both. Margin: 50 % (a compressor settling to a new threshold may briefly
  // overshoot in level, which is not a click). Checked in a pause and in the middle of a word,
  // where a discontinuity would be most and least audible. Preset switches are compared with
  // the sends off: echoes after a switch legitimately repeat what the old preset sent, which
  // neither steady run contains; the sends' own changes are checked one by one below.
  const Stereo in = split(vocal());
  std::vector<Preset> presets = bundledPresets();
  for (auto& p : presets) {
    p.params.set(ParamId::DelayOn, 0);
    p.params.set(ParamId::ReverbOn, 0);
  }
  for (const int at : {48000 * 2 + 24000, 48000 * 3 + 30000}) {
    const size_t from = at - 480, to = at + 4800;
    INFO("change at frame " << at);
    for (size_t a = 0; a < presets.size(); ++a) {
      for (size_t b = 0; b < presets.size(); ++b) {
        if (a == b) continue;
        const auto& pa = presets[a];
        const auto& pb = presets[b];
        INFO(pa.name << " -> " << pb.name);
        const Stereo onlyA = run(pa.params, in, 128);
        const Stereo onlyB = run(pb.params, in, 128);
        const Stereo switched = run(pa.params, in, 128, at, [&](Chain& c) { c.applyParams(pb.params); });
        const double ref = std::max({maxJump(onlyA.l, from, to), maxJump(onlyB.l, from, to),
                                     maxJump(onlyA.r, from, to), maxJump(onlyB.r, from, to)});
        CHECK(maxJump(switched.l, from, to) <= ref * 1.5);
        CHECK(maxJump(switched.r, from, to) <= ref * 1.5);
      }
    }
    // Single big moves: a 12 dB presence boost, bypass toggles, a reverb type change.
    const ParamSet base = bundledPresets()[0].params;
    struct Move { ParamId id; double value; };
    for (const Move m : {Move{ParamId::EqPresenceGain, 12}, Move{ParamId::CompOn, 0},
                         Move{ParamId::ReverbType, 2}, Move{ParamId::HpfSlope, 0},
                         Move{ParamId::SatOn, 1}, Move{ParamId::DenoiseOn, 0},
                         Move{ParamId::DelayNote, 3}, Move{ParamId::ExpanderOn, 0}}) {
      INFO("parameter " << spec(m.id).id);
      ParamSet after = base;
      after.set(m.id, m.value);
      const Stereo before = run(base, in, 128);
      const Stereo settled = run(after, in, 128);
      const Stereo moved = run(base, in, 128, at, [&](Chain& c) { c.setParam(m.id, m.value); });
      const double ref = std::max(maxJump(before.l, from, to), maxJump(settled.l, from, to));
      CHECK(maxJump(moved.l, from, to) <= ref * 1.5);
    }
  }
}

TEST_CASE("latency is reported and constant whatever the settings", "[chain]") {
  Chain a, b;
  a.prepare(48000.0, bundledPreset("modern_clean").params);
  b.prepare(48000.0, bundledPreset("trap_aggressive").params);
  CHECK(a.latency() > 0);
  CHECK(a.latency() == b.latency());
  // An impulse comes out (dry path) exactly `latency` frames later with everything neutral.
  ParamSet neutral;
  for (ParamId id : {ParamId::HpfOn, ParamId::DenoiseOn, ParamId::ExpanderOn, ParamId::DeessOn,
                     ParamId::EqOn, ParamId::CompOn, ParamId::LevelerOn, ParamId::DelayOn,
                     ParamId::ReverbOn}) {
    neutral.set(id, 0);
  }
  Chain c;
  c.prepare(48000.0, neutral);
  std::vector<float> x(4096, 0.0f), yl(4096), yr(4096);
  x[100] = 0.5f;
  c.process(x.data(), x.data(), yl.data(), yr.data(), 4096);
  size_t peak = 0;
  for (size_t i = 0; i < yl.size(); ++i) if (std::fabs(yl[i]) > std::fabs(yl[peak])) peak = i;
  CHECK(static_cast<int>(peak) == 100 + c.latency());
}

// Settled filters in series (the 24 dB/oct high-pass, the EQ's active bands) run two at a time
// as the pipelined lanes of one Pair, an odd last one as a plain biquad; the run is a chunk
// minus its first frame, so host blocks of 2, 3, 4… frames give runs of 1, 2, 3… frames.
// Reference: block size 1 (the per-sample path). Tolerance: none (bit for bit), with 5, 4, 3, 2,
// 1 and 0 EQ bands active and the high-pass at 24 then 12 dB/oct.
TEST_CASE("fast paths: paired biquad runs of any length and band count match per-sample", "[chain]") {
  const std::vector<ScriptEvent> script = {
      {12000, ParamId::EqAirGain, 0},  {24000, ParamId::EqMidGain, 0},
      {36001, ParamId::EqLowGain, 0},  {48000, ParamId::EqMudGain, 0},
      {60000, ParamId::HpfSlope, 0},   {66000, ParamId::EqPresenceGain, 0},
      {72003, ParamId::HpfSlope, 1},   {78000, ParamId::EqMudGain, -3}};
  ParamSet params = bundledPreset("modern_clean").params;
  params.set(ParamId::EqOn, 1);
  params.set(ParamId::HpfOn, 1);
  params.set(ParamId::HpfSlope, 1);
  params.set(ParamId::EqLowGain, 3);
  params.set(ParamId::EqMudGain, -2);
  params.set(ParamId::EqMidGain, 1.5);
  params.set(ParamId::EqPresenceGain, 4);
  params.set(ParamId::EqAirGain, 2);
  const Stereo full = split(vocal());
  const size_t total = 90000;
  const Stereo in{std::vector<float>(full.l.begin(), full.l.begin() + total),
                  std::vector<float>(full.r.begin(), full.r.begin() + total)};
  const auto runScript = [&](int block) {
    Chain chain;
    chain.prepare(48000.0, params);
    chain.setInputGainDb(6.0);
    chain.setNoiseProfile(noiseProfile());
    return runScripted(chain, in, script, block);
  };
  const Stereo ref = runScript(1);
  for (const int block : {2, 3, 4, 6, 257}) {
    INFO("block size " << block);
    CHECK(differingFrames(runScript(block), ref) == 0);
  }
}
