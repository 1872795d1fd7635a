// The parameter schema — every parameter of the vocal chain defined exactly once. Presets are
// validated against it, the CLI prints it, the server serves it, the WASM bindings expose it and
// the web UI builds its controls from it. Adding a parameter means adding one row below.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vocalmix {

enum class Scale { Linear, Log, Choice };

// Columns: enum name, id, label, unit, min, max, default, scale, choices ("a|b|c" for Choice),
// glide time in ms (how long a change takes to reach the signal; 0 = whole-file setting), stage. Choice values are indices 0..n-1; a stage's ".on" toggle is its bypass.
// clang-format off
#define VOCALMIX_PARAMS(X) \
  X(InputTrim,        "input.trim_db",        "Input trim",          "dB",  -24,   24,     0,     Linear, "", 50, "input") \
  X(HpfOn,            "hpf.on",               "High-pass",           "",      0,    1,     1,     Choice, "off|on", 20, "hpf") \
  X(HpfFreq,          "hpf.freq_hz",          "High-pass frequency", "Hz",   20,  400,    80,     Log,    "", 50, "hpf") \
  X(HpfSlope,         "hpf.slope",            "High-pass slope",     "",      0,    1,     1,     Choice, "12 dB/oct|24 dB/oct", 50, "hpf") \
  X(LpfOn,            "lpf.on",               "Low-pass",            "",      0,    1,     0,     Choice, "off|on", 20, "lpf") \
  X(LpfFreq,          "lpf.freq_hz",          "Low-pass frequency",  "Hz", 2000, 20000, 18000,    Log,    "", 50, "lpf") \
  X(DenoiseOn,        "denoise.on",           "Denoiser",            "",      0,    1,     1,     Choice, "off|on", 20, "denoise") \
  X(DenoiseReduction, "denoise.reduction_db", "Noise reduction",     "dB",    0,   40,    12,     Linear, "", 50, "denoise") \
  X(ExpanderOn,       "expander.on",          "Expander",            "",      0,    1,     1,     Choice, "off|on", 20, "expander") \
  X(ExpanderThresh,   "expander.threshold_db","Expander threshold",  "dB",  -80,  -20,   -50,     Linear, "", 50, "expander") \
  X(ExpanderRatio,    "expander.ratio",       "Expander ratio",      ":1",    1,    8,     2,     Linear, "", 50, "expander") \
  X(ExpanderRange,    "expander.range_db",    "Expander range",      "dB",    0,   40,    12,     Linear, "", 50, "expander") \
  X(DeessOn,          "deess.on",             "De-esser",            "",      0,    1,     1,     Choice, "off|on", 20, "deess") \
  X(DeessFreq,        "deess.freq_hz",        "De-esser frequency",  "Hz", 4000, 10000,  6500,    Log,    "", 50, "deess") \
  X(DeessThresh,      "deess.threshold_db",   "De-esser threshold",  "dB",  -50,    0,   -28,     Linear, "", 50, "deess") \
  X(DeessRange,       "deess.range_db",       "De-esser range",      "dB",    0,   24,     6,     Linear, "", 50, "deess") \
  X(EqOn,             "eq.on",                "EQ",                  "",      0,    1,     1,     Choice, "off|on", 20, "eq") \
  X(EqLowFreq,        "eq.low.freq_hz",       "Low shelf frequency", "Hz",   40,  500,   120,     Log,    "", 50, "eq") \
  X(EqLowGain,        "eq.low.gain_db",       "Low shelf gain",      "dB",  -12,   12,     0,     Linear, "", 50, "eq") \
  X(EqMudFreq,        "eq.mud.freq_hz",       "Mud frequency",       "Hz",  100, 1000,   300,     Log,    "", 50, "eq") \
  X(EqMudGain,        "eq.mud.gain_db",       "Mud gain",            "dB",  -12,   12,     0,     Linear, "", 50, "eq") \
  X(EqMudQ,           "eq.mud.q",             "Mud Q",               "",    0.3,    6,     1,     Log,    "", 50, "eq") \
  X(EqMidFreq,        "eq.mid.freq_hz",       "Mid frequency",       "Hz",  500, 4000,  1500,     Log,    "", 50, "eq") \
  X(EqMidGain,        "eq.mid.gain_db",       "Mid gain",            "dB",  -12,   12,     0,     Linear, "", 50, "eq") \
  X(EqMidQ,           "eq.mid.q",             "Mid Q",               "",    0.3,    6,     1,     Log,    "", 50, "eq") \
  X(EqPresenceFreq,   "eq.presence.freq_hz",  "Presence frequency",  "Hz", 2000, 8000,  4000,     Log,    "", 50, "eq") \
  X(EqPresenceGain,   "eq.presence.gain_db",  "Presence gain",       "dB",  -12,   12,     0,     Linear, "", 50, "eq") \
  X(EqPresenceQ,      "eq.presence.q",        "Presence Q",          "",    0.3,    6,     1,     Log,    "", 50, "eq") \
  X(EqAirFreq,        "eq.air.freq_hz",       "Air shelf frequency", "Hz", 6000, 18000, 10000,    Log,    "", 50, "eq") \
  X(EqAirGain,        "eq.air.gain_db",       "Air shelf gain",      "dB",  -12,   12,     0,     Linear, "", 50, "eq") \
  X(CompOn,           "comp.on",              "Compressor",          "",      0,    1,     1,     Choice, "off|on", 20, "comp") \
  X(CompThresh,       "comp.threshold_db",    "Threshold",           "dB",  -50,    0,   -20,     Linear, "", 50, "comp") \
  X(CompRatio,        "comp.ratio",           "Ratio",               ":1",    1,   20,     3,     Log,    "", 50, "comp") \
  X(CompKnee,         "comp.knee_db",         "Knee",                "dB",    0,   24,     6,     Linear, "", 50, "comp") \
  X(CompAttack,       "comp.attack_ms",       "Attack",              "ms",  0.1,  200,    10,     Log,    "", 50, "comp") \
  X(CompRelease,      "comp.release_ms",      "Release",             "ms",   10, 2000,   120,     Log,    "", 50, "comp") \
  X(CompMakeup,       "comp.makeup_db",       "Make-up (on top of auto)", "dB", -12, 24,   0,     Linear, "", 50, "comp") \
  X(LevelerOn,        "leveler.on",           "Leveler",             "",      0,    1,     1,     Choice, "off|on", 20, "leveler") \
  X(LevelerThresh,    "leveler.threshold_db", "Leveler threshold",   "dB",  -40,    0,   -24,     Linear, "", 50, "leveler") \
  X(LevelerRatio,     "leveler.ratio",        "Leveler ratio",       ":1",    1,    4,     2,     Linear, "", 50, "leveler") \
  X(SatOn,            "sat.on",               "Saturation",          "",      0,    1,     0,     Choice, "off|on", 20, "sat") \
  X(SatDrive,         "sat.drive_db",         "Drive",               "dB",    0,   24,     6,     Linear, "", 50, "sat") \
  X(SatMix,           "sat.mix_pct",          "Saturation mix",      "%",     0,  100,    50,     Linear, "", 50, "sat") \
  X(DelayOn,          "delay.on",             "Delay",               "",      0,    1,     1,     Choice, "off|on", 20, "delay") \
  X(DelaySend,        "delay.send_db",        "Delay send",          "dB",  -60,    0,   -20,     Linear, "", 50, "delay") \
  X(DelayNote,        "delay.note",           "Delay note",          "",      0,    6,     1,     Choice, "1/4|1/8|1/16|1/4 dotted|1/8 dotted|1/4 triplet|1/8 triplet", 50, "delay") \
  X(DelayBpm,         "delay.bpm",            "Tempo",               "BPM",  40,  240,   120,     Linear, "", 50, "delay") \
  X(DelayFeedback,    "delay.feedback_pct",   "Delay feedback",      "%",     0,   95,    30,     Linear, "", 50, "delay") \
  X(DelayHighPass,    "delay.hp_hz",          "Delay high-pass",     "Hz",   20, 2000,   300,     Log,    "", 50, "delay") \
  X(DelayLowPass,     "delay.lp_hz",          "Delay low-pass",      "Hz", 1000, 20000, 6000,     Log,    "", 50, "delay") \
  X(DelayPingPong,    "delay.pingpong",       "Ping-pong",           "",      0,    1,     0,     Choice, "off|on", 50, "delay") \
  X(ReverbOn,         "reverb.on",            "Reverb",              "",      0,    1,     1,     Choice, "off|on", 20, "reverb") \
  X(ReverbSend,       "reverb.send_db",       "Reverb send",         "dB",  -60,    0,   -18,     Linear, "", 50, "reverb") \
  X(ReverbType,       "reverb.type",          "Reverb type",         "",      0,    2,     0,     Choice, "plate|room|hall", 50, "reverb") \
  X(ReverbPreDelay,   "reverb.predelay_ms",   "Pre-delay",           "ms",    0,  200,    20,     Linear, "", 50, "reverb") \
  X(ReverbDecay,      "reverb.decay_s",       "Decay",               "s",   0.2,    8,   1.5,     Log,    "", 50, "reverb") \
  X(ReverbDamping,    "reverb.damping_hz",    "Damping",             "Hz", 1000, 20000, 8000,     Log,    "", 50, "reverb") \
  X(ReverbHighPass,   "reverb.hp_hz",         "Reverb high-pass",    "Hz",   20, 1000,   200,     Log,    "", 50, "reverb") \
  X(BeatBalance,      "beat.balance_db",      "Vocal over beat",     "dB",  -12,   12,     3,     Linear, "", 50, "beat") \
  X(BeatDuck,         "beat.duck_db",         "Beat ducking",        "dB",    0,   12,     3,     Linear, "", 50, "beat") \
  X(OutputTarget,     "output.target_lufs",   "Target loudness",     "LUFS", -30,  -6,   -14,     Linear, "", 0, "output") \
  X(OutputCeiling,    "output.ceiling_dbtp",  "True-peak ceiling",   "dBTP", -12,   0,    -1,     Linear, "", 50, "output")
// clang-format on

enum class ParamId : int {
#define VOCALMIX_PARAM_ENUM(name, ...) name,
  VOCALMIX_PARAMS(VOCALMIX_PARAM_ENUM)
#undef VOCALMIX_PARAM_ENUM
  Count
};
inline constexpr int kParamCount = static_cast<int>(ParamId::Count);

struct ParamSpec {
  std::string_view id;
  std::string_view label;
  std::string_view unit;
  double min;
  double max;
  double defaultValue;
  Scale scale;
  std::string_view choiceList;  // "a|b|c"
  double smoothingMs;
  std::string_view stage;

  std::vector<std::string> choices() const;
  bool isChoice() const { return scale == Scale::Choice; }
};

// Thrown at the edges (preset loading, CLI, server) — never from process().
struct ParamError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::array<ParamSpec, kParamCount>& paramSpecs();
const ParamSpec& spec(ParamId id);
// Index of an id such as "eq.presence.gain_db"; throws ParamError naming the unknown id
// (and the closest known ids).
ParamId findParam(std::string_view id);
bool isKnownParam(std::string_view id);

// A full set of values, one per parameter, starting at the defaults.
class ParamSet {
 public:
  ParamSet();
  double get(ParamId id) const { return values_[static_cast<int>(id)]; }
  // Validates: finite, within [min, max], integral for choices. Throws ParamError naming the
  // parameter, the value and the allowed range.
  void set(ParamId id, double value);
  void set(std::string_view id, double value) { set(findParam(id), value); }
  bool operator==(const ParamSet&) const = default;

 private:
  std::array<double, kParamCount> values_;
};

// Formats a value for messages: "-18 dB", "plate".
std::string describeValue(ParamId id, double value);

}  // namespace vocalmix
