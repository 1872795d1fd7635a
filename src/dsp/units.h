// Strong little unit types for processor setters, so a call site reads like an engineer's note
// (`comp.setAttack(10_ms)`) and a milliseconds/seconds or dB/gain mix-up does not compile.
// Used at API boundaries only; inner loops work on plain doubles.
#pragma once

namespace vocalmix {

struct Hz {
  double value;
};
struct Decibels {
  double value;
};
struct Milliseconds {
  double value;
};
struct Seconds {
  double value;
};

namespace literals {
constexpr Hz operator""_Hz(long double v) { return {static_cast<double>(v)}; }
constexpr Hz operator""_Hz(unsigned long long v) { return {static_cast<double>(v)}; }
constexpr Hz operator""_kHz(long double v) { return {static_cast<double>(v) * 1000.0}; }
constexpr Hz operator""_kHz(unsigned long long v) { return {static_cast<double>(v) * 1000.0}; }
constexpr Decibels operator""_dB(long double v) { return {static_cast<double>(v)}; }
constexpr Decibels operator""_dB(unsigned long long v) { return {static_cast<double>(v)}; }
constexpr Milliseconds operator""_ms(long double v) { return {static_cast<double>(v)}; }
constexpr Milliseconds operator""_ms(unsigned long long v) { return {static_cast<double>(v)}; }
constexpr Seconds operator""_s(long double v) { return {static_cast<double>(v)}; }
constexpr Seconds operator""_s(unsigned long long v) { return {static_cast<double>(v)}; }
}  // namespace literals

constexpr Decibels operator-(Decibels d) { return {-d.value}; }

}  // namespace vocalmix
