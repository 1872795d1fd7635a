// Reverb — algorithmic plate / room / hall send: mono send in, stereo wet out (overwritten).
// Pre-delay → per-type input diffusion (4 Schroeder allpasses) → 8-line feedback delay network
// (Jot): a Hadamard mixing matrix, mutually prime line lengths, and per line a first-order
// "absorbent" shelf whose loss in dB is proportional to the line length, so every mode decays
// with the set RT60 at low frequencies and RT60/3 well above the damping corner. Stereo from two
// orthogonal sign patterns over the line outputs; a high-pass on the return.
// Cost ≈ 28 ns/sample, ~290 instructions (twice that during a 0.3 s type crossfade): the
// lines run as Pairs, reads at fixed offsets between ring wraps. Latency 0 (the onset comes
// after pre-delay + the shortest line: 5 ms room, 11 ms plate, 31 ms hall); ~0.7 MB at 48 kHz.
#pragma once

#include <array>
#include <vector>

#include "dsp/biquad.h"
#include "dsp/pair_biquad.h"
#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

enum class ReverbType { Plate, Room, Hall };

class Reverb {
 public:
  static constexpr int kLines = 8;
  static constexpr int kDiffusers = 4;

  // Allocates two tanks (for click-free type crossfades), each sized for the largest type.
  void prepare(double sampleRate, int maxBlock);
  // Clears all state and jumps every glide to its target (no crossfade pending).
  void reset();

  // A change while running crossfades over 0.3 s: input and output move from the old tank to
  // a freshly cleared one; a further change during a crossfade waits for it to finish.
  void setType(ReverbType t);
  void setPreDelay(Milliseconds ms);  // 0..200
  void setDecay(Seconds rt60);        // 0.2..8, the low-frequency RT60
  void setDamping(Hz f);              // 1k..20k, corner above which decay shortens to RT60/3
  void setHighPass(Hz f);             // 20..1000, return high-pass

  // in: mono send; outL/outR: wet only, overwritten. Any n ≥ 0; result independent of the split.
  void process(const double* in, double* outL, double* outR, int n);

 private:
  // Input diffusers + FDN for one type; two exist so that a type change can crossfade.
  // Rings are interleaved (one frame = one sample of every line) and share one clock, so a
  // sample costs one write position and one read offset per line.
  struct Tank {
    ReverbType type = ReverbType::Plate;
    std::vector<double> lines;      // frames of kLines
    std::vector<double> diffusion;  // frames of kDiffusers
    unsigned clock = 0;
    std::array<unsigned, kLines> lineLength{};
    std::array<unsigned, kDiffusers> diffuserLength{};
    std::array<double, kDiffusers> diffuserGain{};
    double outputGain = 0.0;  // evens out the wet level across types
    std::array<double, kLines> absorbState{};  // one-pole low-pass state per line
    // Absorbent shelf per line, gains already ÷√8 (the Hadamard normalisation):
    // out = high·y + lowMinusHigh·lowpass(y), i.e. gain `low` at DC and ≈ `high` far above.
    std::array<double, kLines> high{}, lowMinusHigh{};
    std::array<double, kLines> fromHigh{}, fromLowMinusHigh{}, toHigh{}, toLowMinusHigh{};
    Smoothed gainMorph;  // 0 → 1 glides the gains from "from" to "to" after a decay change
  };

  static constexpr int kChunk = 64;  // internal sub-block for stack scratch; any n works

  void configureTank(Tank& tank, ReverbType type);  // lengths for the type, cleared
  void setTankDecay(Tank& tank, bool glide) const;
  void startCrossfade();
  void designHighPass();
  // n ≤ kChunk samples through a tank. level == nullptr: write l/r; else add level[i]·output.
  void runTank(Tank& tank, const double* x, const double* damping, const double* level, int n,
               double* l, double* r) const;

  double sampleRate_ = 48000.0;
  ReverbType type_ = ReverbType::Plate;
  double preDelayMs_ = 20.0;
  double decaySeconds_ = 1.8;
  double dampingHz_ = 8000.0;
  double highPassHz_ = 150.0;

  std::vector<double> preDelay_;  // power-of-two ring
  unsigned preMask_ = 0;
  unsigned preWrite_ = 0;
  Smoothed preDelaySamples_;
  Smoothed dampingCoeff_;  // one-pole coefficient of the absorbent filters

  unsigned lineMask_ = 0, diffusionMask_ = 0;
  std::array<Tank, 2> tanks_;
  int active_ = 0;
  int fadeRemaining_ = 0;  // > 0 while the inactive tank fades out
  int fadeLength_ = 1;

  Smoothed highPassCorner_;  // redesigned on a 16-sample grid while it glides
  unsigned highPassClock_ = 0;
  PairBiquad highPass_;  // left and right
};

}  // namespace vocalmix
