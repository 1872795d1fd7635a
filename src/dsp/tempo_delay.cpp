// Cross-fed two-line echo. Input enters line L only; line L's output feeds line R and vice versa,
// one feedback gain and one HP+LP pair per hop. Echo k (at k·T) therefore comes out of L for odd k
// and R for even k, and L+R is exactly the classic single-line delay's echo train — which is why
// ping-pong can be a pure output mix and needs no state hand-over when it is toggled.
#include "dsp/tempo_delay.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "dsp/pair.h"

namespace vocalmix {
namespace {

constexpr double kCrossfadeSeconds = 0.06;  // a tempo/note change crossfades read heads
constexpr double kFeedbackGlideSeconds = 0.05;
constexpr double kPingPongGlideSeconds = 0.05;
constexpr double kFilterGlideSeconds = 0.05;
constexpr double kButterworthQ = 0.70710678118654752440;
constexpr double kMaxNoteSeconds = 2.25;  // dotted quarter at 40 BPM
constexpr double kMinDelaySamples = 2.0;  // the cubic read needs one written sample ahead

// What re-enters the lines is flushed below 1e-20 (−400 dBFS) rather than at the biquads' own
// 1e-30: near 1e-30 their state flushing is a dead zone that, inside a loop with gain close to
// 1, can sustain a limit cycle at ~5e-30 forever. A floor well above it ends every tail.
constexpr double kLoopFloor = 1e-20;

}  // namespace

double TempoDelay::noteSeconds(double bpm, NoteValue v) {
  const double quarter = 60.0 / std::clamp(bpm, kMinBpm, kMaxBpm);
  switch (v) {
    case NoteValue::Quarter: return quarter;
    case NoteValue::Eighth: return quarter * 0.5;
    case NoteValue::Sixteenth: return quarter * 0.25;
    case NoteValue::DottedQuarter: return quarter * 1.5;
    case NoteValue::DottedEighth: return quarter * 0.75;
    case NoteValue::TripletQuarter: return quarter * 2.0 / 3.0;
    case NoteValue::TripletEighth: return quarter / 3.0;
  }
  return quarter;
}

void TempoDelay::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  const auto needed = static_cast<unsigned>(std::ceil(kMaxNoteSeconds * sampleRate)) + 16u;
  unsigned size = 1;
  while (size < needed) size <<= 1;
  ring_.assign(2 * static_cast<size_t>(size), 0.0);
  mask_ = size - 1;

  crossfade_.prepare(sampleRate, kCrossfadeSeconds);
  feedback_.prepare(sampleRate, kFeedbackGlideSeconds);
  pingPongMix_.prepare(sampleRate, kPingPongGlideSeconds);
  highPassCorner_.prepare(sampleRate, kFilterGlideSeconds);
  lowPassCorner_.prepare(sampleRate, kFilterGlideSeconds);
  reset();
}

void TempoDelay::reset() {
  std::fill(ring_.begin(), ring_.end(), 0.0);
  writePos_ = 0;
  updateDelayTarget();
  activeDelay_ = targetDelay_;
  headA_.set(activeDelay_);
  headB_ = headA_;
  crossfade_.snap(0.0);
  feedback_.snap(feedbackTarget_);
  pingPongMix_.snap(pingPong_ ? 1.0 : 0.0);
  highPassCorner_.snap(highPassHz_);
  lowPassCorner_.snap(lowPassHz_);
  filterClock_ = 0;
  const FilterDesign design = designFilters();
  highPass_.setCoefficients(design.highPass);
  lowPass_.setCoefficients(design.lowPass);
  highPass_.reset();
  lowPass_.reset();
}

void TempoDelay::setBpm(double bpm) {
  bpm_ = std::clamp(bpm, kMinBpm, kMaxBpm);
  updateDelayTarget();
}

void TempoDelay::setNote(NoteValue v) {
  note_ = v;
  updateDelayTarget();
}

void TempoDelay::setFeedback(double amount) {
  feedbackTarget_ = std::clamp(amount, 0.0, kMaxFeedback);
  feedback_.setTarget(feedbackTarget_);
}

void TempoDelay::setHighPass(Hz f) {
  highPassHz_ = std::clamp(f.value, 10.0, 10000.0);
  highPassCorner_.setTarget(highPassHz_);
}

void TempoDelay::setLowPass(Hz f) {
  lowPassHz_ = std::clamp(f.value, 200.0, 24000.0);  // the design clamps to 0.49·fs
  lowPassCorner_.setTarget(lowPassHz_);
}

void TempoDelay::setPingPong(bool on) {
  pingPong_ = on;
  pingPongMix_.setTarget(on ? 1.0 : 0.0);
}

void TempoDelay::updateDelayTarget() {
  const double d = noteSeconds(bpm_, note_) * sampleRate_;
  targetDelay_ = std::max(d, kMinDelaySamples);
  startCrossfadeIfNeeded();
}

// Starts moving to the target delay unless a crossfade is already running (then the target
// is picked up when it finishes).
void TempoDelay::startCrossfadeIfNeeded() {
  if (crossfade_.isSmoothing() || targetDelay_ == activeDelay_) return;
  headB_.set(targetDelay_);
  incomingDelay_ = targetDelay_;
  crossfade_.snap(0.0);
  crossfade_.setTarget(1.0);
}

TempoDelay::FilterDesign TempoDelay::designFilters() const {
  return {BiquadCoefficients::design(FilterType::HighPass, sampleRate_, highPassCorner_.current(),
                                     kButterworthQ, 0.0),
          BiquadCoefficients::design(FilterType::LowPass, sampleRate_, lowPassCorner_.current(),
                                     kButterworthQ, 0.0)};
}

// Catmull-Rom weights for the four neighbours of a read `delay` samples back, newest first.
// At a whole-sample delay (t = 0) the weights are exactly {0, 1, 0, 0}, so the read is exact.
void TempoDelay::ReadHead::set(double delay) {
  whole = static_cast<unsigned>(delay);
  const double t = delay - static_cast<double>(whole);
  exact = t == 0.0;
  const double t2 = t * t, t3 = t2 * t;
  w[0] = splat(-0.5 * t + t2 - 0.5 * t3);
  w[1] = splat(1.0 - 2.5 * t2 + 1.5 * t3);
  w[2] = splat(0.5 * t + 2.0 * t2 - 1.5 * t3);
  w[3] = splat(-0.5 * t2 + 0.5 * t3);
}

// Ring frames are interleaved {L, R}; reads the four frames around the head's position, both
// sides at once: {yL, yR} = w0·f0 + w1·f1 + w2·f2 + w3·f3, summed left to right.
[[gnu::always_inline]] inline Pair TempoDelay::readHead(const double* ring, unsigned mask,
                                                        unsigned pos, const ReadHead& h) {
  const unsigned base = pos - h.whole;
  const Pair f0 = loadPair(ring + 2 * ((base + 1) & mask));  // newest neighbour
  const Pair f1 = loadPair(ring + 2 * (base & mask));
  const Pair f2 = loadPair(ring + 2 * ((base - 1) & mask));
  const Pair f3 = loadPair(ring + 2 * ((base - 2) & mask));  // oldest neighbour
  return h.w[0] * f0 + h.w[1] * f1 + h.w[2] * f2 + h.w[3] * f3;
}

bool TempoDelay::gliding() const {
  return crossfade_.isSmoothing() || feedback_.isSmoothing() || pingPongMix_.isSmoothing() ||
         highPassCorner_.isSmoothing() || lowPassCorner_.isSmoothing();
}

void TempoDelay::process(const double* in, double* outL, double* outR, int n) {
  // Hot state in locals: the compiler cannot keep members in registers across the ring stores.
  // The two sides run as Pairs: {L, R} for the line outputs, {L hop, R hop} for the filters
  // (each lane the same arithmetic as a scalar Biquad).
  double* ring = ring_.data();
  const unsigned mask = mask_;
  unsigned pos = writePos_;
  PairBiquad highPass = highPass_, lowPass = lowPass_;
  ReadHead headA = headA_, headB = headB_;
  bool anyGlide = gliding();
  double fb = feedback_.current();
  double spread = 1.0 - pingPongMix_.current();  // 1: every echo on both sides
  double fade = crossfade_.current();

  // One sample after the read: the feedback hops, the ring write and the output mix.
  auto finish = [&](Pair y, int i, double* write) {
    // L is fed by R and R by L: the filters see {fb·yR, fb·yL}.
    const Pair swapped = __builtin_shufflevector(y, y, 1, 0);
    const Pair hop = lowPass.process(highPass.process(splat(fb) * swapped));
    // Lane 1 adds +0.0: the same bits after the flush (which also turns −0 into +0).
    const Pair to = Pair{in[i], 0.0} + hop;
    storePair(write, flushBelow(to, kLoopFloor));
    // With spread == 1 both sides compute yL + yR (addition commutes): bit-identical.
    const Pair out = y + splat(spread) * swapped;
    outL[i] = out[0];
    outR[i] = out[1];
  };

  // At a whole-sample delay the settled loop runs the hop filters without their per-sample
  // flush: the flush's compare and blend sat on each filter's recurrence, which is what bounds
  // this loop (it is latency, not instruction, bound), and near 1e-30 it almost never changes
  // anything. Each run records whether it would have (PairBiquad::processUnflushed); if so the
  // run is redone exactly. The read is the middle frame itself (see the comment at the call),
  // and `sum` collects the frames read for the finiteness check. The ping-pong glide rests at
  // one of its ends, where the output mix needs no multiply: spread 1 gives y + 1·swapped =
  // y + swapped (also for NaN); spread 0 gives y + 0·swapped, which is y because y is finite
  // and never −0 there. (At a fractional delay the loop has the instructions to keep the
  // CPU busy anyway: the unflushed form measured no faster there, and it costs instructions.)
  int i = 0;
  const auto wholeRun = [&](auto everyEcho, int end, const double* read, double* write,
                            Pair& sum, PairMask& flushed) {
    for (; i < end; ++i, read += 2, write += 2) {
      const Pair y = loadPair(read + 4);
      sum += y;
      const Pair swapped = __builtin_shufflevector(y, y, 1, 0);
      const Pair hop = lowPass.processUnflushed(
          highPass.processUnflushed(splat(fb) * swapped, flushed), flushed);
      storePair(write, flushBelow(Pair{in[i], 0.0} + hop, kLoopFloor));
      const Pair out = decltype(everyEcho)::value ? y + swapped : y;
      outL[i] = out[0];
      outR[i] = out[1];
    }
  };

  while (i < n) {
    if (!anyGlide && fade == 0.0) {
      // Settled: a run in which neither the write position nor the head's four frames wrap
      // around the ring, so the reads sit at fixed offsets (the same arithmetic as readHead).
      const unsigned at = pos & mask, oldest = (pos - headA.whole - 2) & mask;
      if (oldest + 3 <= mask) {
        int run = static_cast<int>(
            std::min({static_cast<unsigned>(n - i), mask + 1 - at, mask - 2 - oldest}));
        const double* read = ring + 2 * oldest;
        double* write = ring + 2 * at;
        if (headA.exact && (spread == 1.0 || spread == 0.0)) {
          // At a whole-sample delay the weights are {+0, 1, +0, +0}, and the interpolated sum
          // ((+0·f0 + f1) + +0·f2) + +0·f3 is exactly the middle frame f1 whenever the four
          // frames are finite and f1 is not −0 (the ring holds no −0: every write goes through
          // flushBelow, which returns +0 for it). The run reads each frame in its window as
          // some sample's f1, except the two oldest and the newest: if the sum of them all is
          // finite (so is each; an overflowing sum only costs the redo), every read was exact.
          // For a redo to see the ring as the first pass did, the run neither reads a frame it
          // wrote (run < whole) nor reaches a slot its writes lapped (run < size − whole − 2).
          const int capped = std::min({run, static_cast<int>(headA.whole) - 1,
                                       static_cast<int>(mask - headA.whole) - 2});
          if (capped > 0) {
            const PairBiquad highPassBefore = highPass, lowPassBefore = lowPass;
            const int start = i;
            PairMask flushed{0, 0};
            Pair sum = (loadPair(read) + loadPair(read + 2)) + loadPair(read + 2 * (capped + 2));
            if (spread == 1.0) {
              wholeRun(std::true_type(), i + capped, read, write, sum, flushed);
            } else {
              wholeRun(std::false_type(), i + capped, read, write, sum, flushed);
            }
            const Pair check = sum - sum;  // 0 if finite, NaN otherwise
            if (check[0] == 0.0 && check[1] == 0.0 && (flushed[0] | flushed[1]) == 0) {
              pos += static_cast<unsigned>(capped);
              continue;
            }
            // Redo the run exactly, from the filter state it started with.
            highPass = highPassBefore;
            lowPass = lowPassBefore;
            i = start;
            run = capped;
          }
        }
        for (const int end = i + run; i < end; ++i, read += 2, write += 2) {
          const Pair y = headA.w[0] * loadPair(read + 6) + headA.w[1] * loadPair(read + 4) +
                         headA.w[2] * loadPair(read + 2) + headA.w[3] * loadPair(read);
          finish(y, i, write);
        }
        pos += static_cast<unsigned>(run);
        continue;
      }
    }

    if (anyGlide) {
      if (crossfade_.isSmoothing()) {
        fade = crossfade_.next();
        if (!crossfade_.isSmoothing()) {  // the incoming head has taken over
          headA_ = headB_;
          activeDelay_ = incomingDelay_;
          crossfade_.snap(0.0);
          fade = 0.0;
          startCrossfadeIfNeeded();  // a change that arrived during the fade
          headA = headA_;
          headB = headB_;
        }
      }
      if (highPassCorner_.isSmoothing() || lowPassCorner_.isSmoothing()) {
        highPassCorner_.next();
        lowPassCorner_.next();
        const bool settled = !(highPassCorner_.isSmoothing() || lowPassCorner_.isSmoothing());
        if ((filterClock_++ & 15u) == 0 || settled) {
          const FilterDesign design = designFilters();
          highPass.setCoefficients(design.highPass);
          lowPass.setCoefficients(design.lowPass);
        }
      }
      fb = feedback_.next();
      spread = 1.0 - pingPongMix_.next();
      anyGlide = gliding();
    }

    Pair y = readHead(ring, mask, pos, headA);  // {yL, yR}
    if (fade != 0.0) y += splat(fade) * (readHead(ring, mask, pos, headB) - y);
    finish(y, i, ring + 2 * (pos & mask));
    ++pos;
    ++i;
  }

  writePos_ = pos;
  highPass_ = highPass;
  lowPass_ = lowPass;
}

}  // namespace vocalmix
