// parity_native — the native half of the native ⇔ WASM parity test (tests/parity/node_parity.mjs).
// It drives the engine through exactly the calls the WASM `Engine` binding makes, in the same
// order, so any difference in the output is a difference between the two builds.
//
//   parity_native chain --in IN.f32 --channels 1|2 --rate HZ --out OUT.f32 --preset NAME
//                       [--block 4096] [--analyse] [--output-gain-db DB]
//                       [--event FRAME:preset:NAME] [--event FRAME:values:NAME]
//                       [--event FRAME:set:ID=VALUE] ...
//     IN.f32: interleaved float32 frames (raw, little-endian). Mono input is processed with
//     inR = nullptr. OUT.f32: interleaved stereo float32, as many frames as the input.
//     Sequence: prepare(rate, defaults) → applyParams(preset) → [analyseInput → input gain +
//     noise profile] → output gain → reset() → process in blocks; an event is applied before
//     the block that starts at FRAME (FRAME must be a multiple of the block size). "preset"
//     is applyParams (changed parameters only); "values" sets every parameter by index, as the
//     AudioWorklet's 'values' message does.
//     Prints one JSON line: {"frames":…, "latency":…, "gain_staging_db":…, "noise_bins":…}.
//
//   parity_native decode --wav FILE --out OUT.f32
//     Reads FILE with the native reader (src/io, libsndfile) and writes its frames as read
//     (interleaved float32). Prints {"sample_rate":…, "channels":…, "frames":…}.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/chain.h"
#include "engine/preset.h"
#include "io/audio_file.h"
#include "render/offline_mix.h"
#include "support/memory_source.h"

using namespace vocalmix;

namespace {

struct Event {
  long long frame;
  std::string kind;  // "preset" or "set"
  std::string arg;
};

std::vector<float> readFloats(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot open " + path);
  const auto bytes = static_cast<size_t>(in.tellg());
  std::vector<float> v(bytes / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  if (!in) throw std::runtime_error("cannot read " + path);
  return v;
}

void writeFloats(const std::string& path, const std::vector<float>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

using testing::MemorySource;

void applyEvent(Chain& chain, const Event& e) {
  if (e.kind == "preset") {
    chain.applyParams(bundledPreset(e.arg).params);
  } else if (e.kind == "values") {
    // Every parameter by index, unchanged ones too: what the AudioWorklet's 'values' message
    // does (web/engine/processor.mjs), as opposed to applyParams, which skips unchanged ones.
    const ParamSet p = bundledPreset(e.arg).params;
    for (int i = 0; i < kParamCount; ++i) chain.setParam(static_cast<ParamId>(i), p.get(static_cast<ParamId>(i)));
  } else if (e.kind == "set") {
    const auto eq = e.arg.find('=');
    if (eq == std::string::npos) throw std::runtime_error("bad --event set: " + e.arg);
    chain.setParam(std::string_view(e.arg).substr(0, eq), std::stod(e.arg.substr(eq + 1)));
  } else {
    throw std::runtime_error("unknown event kind '" + e.kind + "'");
  }
}

int runChain(const std::map<std::string, std::string>& opt, const std::vector<Event>& events) {
  const std::vector<float> in = readFloats(opt.at("in"));
  const int channels = std::stoi(opt.at("channels"));
  const int rate = std::stoi(opt.at("rate"));
  const int block = opt.count("block") ? std::stoi(opt.at("block")) : 4096;
  if (channels != 1 && channels != 2) throw std::runtime_error("--channels must be 1 or 2");
  const long long frames = static_cast<long long>(in.size()) / channels;

  Chain chain;
  chain.prepare(rate, ParamSet(), /*withOutputStage=*/true);
  chain.applyParams(bundledPreset(opt.at("preset")).params);
  double staging = 0.0;
  size_t noiseBins = 0;
  if (opt.count("analyse")) {
    MemorySource source(in, channels, rate);
    const render::InputAnalysis a = render::analyseInput(source);
    staging = a.gainStagingDb;
    noiseBins = a.noiseProfile.size();
    chain.setInputGainDb(a.gainStagingDb);
    if (!a.noiseProfile.empty()) chain.setNoiseProfile(a.noiseProfile);
  }
  chain.setOutputGainDb(opt.count("output-gain-db") ? std::stod(opt.at("output-gain-db")) : 0.0);
  chain.reset();

  std::vector<float> inL(block), inR(block), outL(block), outR(block);
  std::vector<float> out(static_cast<size_t>(frames) * 2);
  size_t next = 0;
  for (long long pos = 0; pos < frames; pos += block) {
    for (; next < events.size() && events[next].frame <= pos; ++next) {
      if (events[next].frame != pos) throw std::runtime_error("event frame not on a block boundary");
      applyEvent(chain, events[next]);
    }
    const int n = static_cast<int>(std::min<long long>(block, frames - pos));
    for (int i = 0; i < n; ++i) {
      inL[i] = in[static_cast<size_t>((pos + i) * channels)];
      if (channels == 2) inR[i] = in[static_cast<size_t>((pos + i) * 2 + 1)];
    }
    chain.process(inL.data(), channels == 2 ? inR.data() : nullptr, outL.data(), outR.data(), n);
    for (int i = 0; i < n; ++i) {
      out[static_cast<size_t>((pos + i) * 2)] = outL[i];
      out[static_cast<size_t>((pos + i) * 2 + 1)] = outR[i];
    }
  }
  writeFloats(opt.at("out"), out);
  std::printf("{\"frames\": %lld, \"latency\": %d, \"gain_staging_db\": %.17g, \"noise_bins\": %zu}\n",
              frames, chain.latency(), staging, noiseBins);
  return 0;
}

int runDecode(const std::map<std::string, std::string>& opt) {
  io::AudioReader reader(opt.at("wav"));
  const io::AudioInfo info = reader.info();
  std::vector<float> all, buf(static_cast<size_t>(4096) * info.channels);
  for (int64_t n; (n = reader.read(buf.data(), 4096)) > 0;) {
    all.insert(all.end(), buf.begin(), buf.begin() + n * info.channels);
  }
  writeFloats(opt.at("out"), all);
  std::printf("{\"sample_rate\": %d, \"channels\": %d, \"frames\": %lld}\n", info.sampleRate,
              info.channels, static_cast<long long>(all.size() / info.channels));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) throw std::runtime_error("usage: parity_native chain|decode [options]");
    const std::string mode = argv[1];
    std::map<std::string, std::string> opt;
    std::vector<Event> events;
    for (int i = 2; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) throw std::runtime_error("unexpected argument " + a);
      a = a.substr(2);
      if (a == "analyse") {
        opt[a] = "1";
        continue;
      }
      if (i + 1 >= argc) throw std::runtime_error("--" + a + " needs a value");
      const std::string v = argv[++i];
      if (a == "event") {
        const auto c1 = v.find(':'), c2 = v.find(':', c1 + 1);
        if (c1 == std::string::npos || c2 == std::string::npos) throw std::runtime_error("bad --event " + v);
        events.push_back({std::stoll(v.substr(0, c1)), v.substr(c1 + 1, c2 - c1 - 1), v.substr(c2 + 1)});
      } else {
        opt[a] = v;
      }
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.frame < b.frame; });
    if (mode == "chain") return runChain(opt, events);
    if (mode == "decode") return runDecode(opt);
    throw std::runtime_error("unknown mode '" + mode + "'");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parity_native: %s\n", e.what());
    return 1;
  }
}
