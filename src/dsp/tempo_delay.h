// TempoDelay — the tempo-synced echo send: mono send in, stereo wet out (outputs overwritten).
// Two cross-fed delay lines (L feeds R feeds L) with a high-pass and a low-pass in each feedback
// hop, so every repeat gets thinner and darker. Ping-pong only changes how the two lines are
// mixed to the outputs (off: both outputs get L+R, i.e. every echo, bit-identical; on: L and R
// separately, so repeats alternate), so switching it never disturbs the echoes already in flight.
// A delay-time change crossfades (60 ms) from the old read head to one at the new time, so a
// tempo or note change never bends pitch or clicks (4-point cubic fractional reads).
// Cost ≈ 4–14 ns/sample (both sides as Pairs: one interpolated read, two pair biquads; a second
// read during a crossfade). Settled: ~6 ns and ~73 instructions at a fractional delay, bound by
// the biquads' recurrences; at a whole-sample delay (every note at 120 BPM and 48 kHz) the
// read is a plain load and the biquads' state flush is checked once per run instead of sitting
// on every sample's chain: ~4.5 ns, ~65 instructions. Latency 0 (the wet is pure echo); memory
// 2 × 2.25 s of doubles + margin.
#pragma once

#include <vector>

#include "dsp/biquad.h"
#include "dsp/pair.h"
#include "dsp/pair_biquad.h"
#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

enum class NoteValue {
  Quarter,
  Eighth,
  Sixteenth,
  DottedQuarter,
  DottedEighth,
  TripletQuarter,
  TripletEighth
};

class TempoDelay {
 public:
  static constexpr double kMinBpm = 40.0;
  static constexpr double kMaxBpm = 240.0;
  static constexpr double kMaxFeedback = 0.95;

  // Allocates both lines for the longest note (dotted quarter at 40 BPM = 2.25 s) plus margin.
  void prepare(double sampleRate, int maxBlock);
  // Clears the lines and filters and jumps every glide to its target.
  void reset();

  void setBpm(double bpm);            // clamped to 40..240
  void setNote(NoteValue v);
  void setFeedback(double amount);    // clamped to 0..0.95
  void setHighPass(Hz f);             // feedback-path high-pass corner (20 Hz ≈ open)
  void setLowPass(Hz f);              // feedback-path low-pass corner (20 kHz ≈ open)
  void setPingPong(bool on);

  // in: mono send; outL/outR: wet only, overwritten. Any n ≥ 0; result independent of the split.
  void process(const double* in, double* outL, double* outR, int n);

  // Length of a note in seconds: quarter = 60/bpm; dotted ×1.5; triplet ×2/3.
  static double noteSeconds(double bpm, NoteValue v);

 private:
  // A read position `delay` samples behind the write head: whole part and Catmull-Rom weights
  // (each splatted over a Pair, as both sides are read at once).
  struct ReadHead {
    unsigned whole = 2;
    bool exact = true;  // a whole-sample delay: the weights are {0, 1, 0, 0}
    Pair w[4] = {{0.0, 0.0}, {1.0, 1.0}, {0.0, 0.0}, {0.0, 0.0}};
    void set(double delay);
  };

  void updateDelayTarget();
  struct FilterDesign {
    BiquadCoefficients highPass, lowPass;
  };
  FilterDesign designFilters() const;
  void startCrossfadeIfNeeded();
  bool gliding() const;
  static Pair readHead(const double* ring, unsigned mask, unsigned pos, const ReadHead& h);

  double sampleRate_ = 48000.0;
  double bpm_ = 120.0;
  NoteValue note_ = NoteValue::Eighth;
  double feedbackTarget_ = 0.35;
  double highPassHz_ = 120.0;
  double lowPassHz_ = 8000.0;
  bool pingPong_ = false;

  std::vector<double> ring_;  // power-of-two ring of {L, R} frames, written at writePos_
  unsigned mask_ = 0;
  unsigned writePos_ = 0;

  double targetDelay_ = 2.0;    // samples, from tempo and note
  double activeDelay_ = 2.0;    // what head A reads
  double incomingDelay_ = 2.0;  // what head B reads
  ReadHead headA_, headB_;      // B is the incoming head during a crossfade
  Smoothed crossfade_;          // 0 = all A, 1 = all B; at 1, B becomes A
  Smoothed feedback_;
  Smoothed pingPongMix_;   // 0 = both outputs get every echo, 1 = alternate L/R
  // Both hops share one pair of corners; while they glide the four sections are redesigned on
  // a 16-sample grid (as SmoothedBiquad does), which costs nothing once settled.
  Smoothed highPassCorner_, lowPassCorner_;
  unsigned filterClock_ = 0;
  // lanes: {L hop, R hop}; the settled loops may run them without the per-sample flush
  // (PairBiquad::processUnflushed, see process()).
  PairBiquad highPass_, lowPass_;
};

}  // namespace vocalmix
