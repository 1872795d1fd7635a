// Gain-path timing (frames counted at the input rate):
//   r[m]   = min(1, ceiling / peak of [m − ¼, m + ½])   known T = kDetectDelay frames later
//   h      = min of r over the last H frames       (monotonic deque, O(1) amortised)
//   e      = h when falling, exponential release towards h when rising   (e ≤ h always)
//   g      = mean of e over the last W frames
// For a peak at m, g ≤ r[m] from W−1 to H−1 frames after r[m]; with the audio delayed by
// latency = T + W − 1 + M and H = W + 2M + 1, every sample within M (= kGuard) of the peak is
// scaled by at most r[m], so the interpolated output around it stays under the ceiling too.
// The moving average's running sum is re-added exactly every W frames, so after limiting ends
// the gain returns to exactly 1.0 and unlimited audio passes bit for bit.
#include "dsp/true_peak_limiter.h"

#include <algorithm>
#include <cmath>

#include "dsp/dmath.h"
#include "dsp/halfband.h"
#include "dsp/pair.h"

namespace vocalmix {
namespace {

constexpr double kRampSeconds = 0.05;
constexpr double kRefineGate = 0.9;  // a parabola through 4× samples lifts a peak ≤ 0.7 dB
constexpr double kMaxLift = 1.25;

// Designs a half-band and returns Σ|h| of its polyphase branches (×2 for the up-sampler's zero
// stuffing): the most a 4× value can exceed the largest input sample by.
double designHalfbandL1(double* a, int pairs, double beta) {
  designHalfband(a, pairs, beta);
  double l1 = 0.0;
  for (int m = 0; m < pairs; ++m) l1 += 4.0 * std::fabs(a[m]);
  return l1;
}

// |b| refined by the vertex of the parabola through (a, b, c) when b is a local maximum of |·|.
double refine(double a, double b, double c) {
  const double sb = std::fabs(b);
  if (sb < std::fabs(a) || sb < std::fabs(c)) return sb;
  const double sa = b > 0.0 ? a : -a;
  const double sc = b > 0.0 ? c : -c;
  const double curvature = sa - 2.0 * sb + sc;
  if (curvature >= 0.0) return sb;
  const double slope = sc - sa;
  return std::min(sb - slope * slope / (8.0 * curvature), kMaxLift * sb);
}

}  // namespace

TruePeakLimiter::TruePeakLimiter() {
  ceilingDb_.snap(-1.0);
  const double l1 = designHalfbandL1(coef1_, kPairs1, 6.0);
  const double l2 = designHalfbandL1(coef2_, kPairs2, 8.0);
  interpolationBound_ = std::max(1.0, l1) * std::max(1.0, l2);
  for (int m = 0; m < kPairs1; ++m) coefPairs1_[m] = Frame{coef1_[m], coef1_[m]};
  for (int m = 0; m < kPairs2; ++m) coefPairs2_[m] = Frame{coef2_[m], coef2_[m]};
}

void TruePeakLimiter::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  ceilingDb_.prepare(sampleRate, kRampSeconds);
  const int maxLatency = static_cast<int>(std::ceil(kMaxLookaheadMs * 0.001 * sampleRate)) +
                         kDetectDelay + kGuard;
  dequeValue_.assign(maxLatency + 2 * kGuard + 2, 1.0);
  dequeIndex_.assign(maxLatency + 2 * kGuard + 2, 0);
  averageRing_.assign(maxLatency + 1, 1.0);
  delayFrames_ = maxLatency + 1;
  delay_.assign(2 * static_cast<size_t>(delayFrames_), 0.0);
  setRelease(Milliseconds{releaseMs_});
  reset();
}

void TruePeakLimiter::configure() {
  const int maxLatency = delayFrames_ - 1;
  const int wanted = static_cast<int>(std::floor(lookaheadMs_ * 0.001 * sampleRate_ + 0.5));
  latency_ = std::clamp(wanted, kDetectDelay + kGuard, maxLatency);
  average_ = latency_ - kDetectDelay - kGuard + 1;
  hold_ = average_ + 2 * kGuard + 1;
}

void TruePeakLimiter::reset() {
  if (delay_.empty()) return;  // not prepared yet
  configure();
  ceilingDb_.snap(ceilingDb_.target());
  updateCeilingLevels(ceilingDb_.current());
  const Frame zero = {0.0, 0.0};
  std::fill(std::begin(ring1_), std::end(ring1_), zero);
  std::fill(std::begin(ring2_), std::end(ring2_), zero);
  pos1_ = pos2_ = 0;
  prev_[0] = prev_[1] = zero;
  quietRun_ = 2 * kPairs1;
  dequeHead_ = dequeSize_ = 0;
  frame_ = 0;
  envelope_ = 1.0;
  std::fill(averageRing_.begin(), averageRing_.end(), 1.0);
  averagePos_ = 0;
  averageSum_ = static_cast<double>(average_);
  onesRun_ = average_;
  atRest_ = true;
  std::fill(delay_.begin(), delay_.end(), 0.0);
  delayPos_ = 0;
  gain_ = 1.0;
  reductionDb_ = 0.0;
}

void TruePeakLimiter::setCeiling(Decibels dBTP) {
  ceilingDb_.setTarget(std::clamp(dBTP.value, -12.0, 0.0));
}

void TruePeakLimiter::setRelease(Milliseconds r) {
  releaseMs_ = std::clamp(r.value, 1.0, 2000.0);
  releaseCoef_ = dmath::exp(-1.0 / (releaseMs_ * 0.001 * sampleRate_));
}

void TruePeakLimiter::setLookahead(Milliseconds la) {
  lookaheadMs_ = std::clamp(la.value, 0.5, kMaxLookaheadMs);
}

void TruePeakLimiter::updateCeilingLevels(double ceilingDb) {
  ceiling_ = dmath::dbToGain(ceilingDb);
  refineGate_ = kRefineGate * ceiling_;
  // While every sample in the detector's span is below quietLevel_, no 4× value (bounded by
  // the stages' Σ|h| times the largest sample) nor its refinement can reach the gate.
  quietLevel_ = refineGate_ / (interpolationBound_ * kMaxLift);
}

// Pushes one stereo frame through the two half-band interpolators and returns the largest
// |4× value| (refined) over both channels for the points c − ¼, c, c + ¼, c + ½, where
// c = the frame kDetectDelay ago. When the whole span is quiet the dot products are skipped
// (the result could not reach the ceiling anyway): the rings advance, with 0 for the
// interpolated values, which keeps later frames under the same bound.
// Inlined into process(): a call there would force its state out of registers every frame.
__attribute__((always_inline)) inline double TruePeakLimiter::detectPeak(double left, double right,
                                                                     bool quiet) {
  auto push = [](Frame* ring, int& pos, int pairs, Frame v) {
    ring[pos] = v;
    ring[pos + 2 * pairs] = v;
    pos = pos + 1 == 2 * pairs ? 0 : pos + 1;
    return ring + pos;  // window, oldest → newest
  };
  // Symmetric half-band sum over the window; pairs is a multiple of 2. Partial sums in a fixed
  // order (the same result everywhere) so the adds do not form one long dependency chain.
  auto interpolate = [](const Frame* a, int pairs, const Frame* w) {
    Frame s0 = {0.0, 0.0}, s1 = s0, s2 = s0, s3 = s0;
    int m = 1;
    for (; m + 3 <= pairs; m += 4) {
      s0 += a[m - 1] * (w[pairs - 1 + m] + w[pairs - m]);
      s1 += a[m] * (w[pairs + m] + w[pairs - m - 1]);
      s2 += a[m + 1] * (w[pairs + 1 + m] + w[pairs - m - 2]);
      s3 += a[m + 2] * (w[pairs + 2 + m] + w[pairs - m - 3]);
    }
    if (m < pairs) {
      s0 += a[m - 1] * (w[pairs - 1 + m] + w[pairs - m]);
      s1 += a[m] * (w[pairs + m] + w[pairs - m - 1]);
    }
    return 2.0 * ((s0 + s1) + (s2 + s3));
  };
  const Frame zero = {0.0, 0.0};
  const Frame* w1 = push(ring1_, pos1_, kPairs1, Frame{left, right});
  if (quiet) {
    push(ring2_, pos2_, kPairs2, zero);
    push(ring2_, pos2_, kPairs2, w1[kPairs1]);
    prev_[0] = prev_[1] = zero;
    return 0.0;
  }
  const Frame mid = interpolate(coefPairs1_, kPairs1, w1);  // halfway between the two below
  const Frame sample = w1[kPairs1];
  const Frame* w2 = push(ring2_, pos2_, kPairs2, mid);
  const Frame q0 = interpolate(coefPairs2_, kPairs2, w2);
  const Frame q1 = w2[kPairs2];
  w2 = push(ring2_, pos2_, kPairs2, sample);
  const Frame q2 = interpolate(coefPairs2_, kPairs2, w2);
  const Frame q3 = w2[kPairs2];
  const Frame prev0 = prev_[0], prev1 = prev_[1];
  prev_[0] = q2;
  prev_[1] = q3;
  // Usually no 4× value is near the gate: the peak is then the largest |value| of the four new
  // ones, found two lanes at a time. Otherwise (or with NaN) the per-channel refinement below.
  const PairMask absMask = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
  const Frame a1 = (Frame)((PairMask)prev1 & absMask), a2 = (Frame)((PairMask)q0 & absMask),
              a3 = (Frame)((PairMask)q1 & absMask), a4 = (Frame)((PairMask)q2 & absMask),
              a5 = (Frame)((PairMask)q3 & absMask);
  const Frame gate = {refineGate_, refineGate_};
  const PairMask below = (a1 <= gate) & (a2 <= gate) & (a3 <= gate) & (a4 <= gate) & (a5 <= gate);
  if (below[0] && below[1]) {
    auto larger = [](Frame a, Frame b) {
      const PairMask gt = a > b;
      return (Frame)((gt & (PairMask)a) | (~gt & (PairMask)b));
    };
    const Frame m = larger(larger(a2, a3), larger(a4, a5));
    return std::max(m[0], m[1]);
  }
  double peak = 0.0;
  for (int ch = 0; ch < 2; ++ch) {
    // The 4× stream in time order: last frame's two latest values, then this frame's four.
    const double v[6] = {prev0[ch], prev1[ch], q0[ch], q1[ch], q2[ch], q3[ch]};
    double m = std::max({std::fabs(v[2]), std::fabs(v[3]), std::fabs(v[4]), std::fabs(v[5])});
    for (int k = 1; k <= 4; ++k) {
      if (std::fabs(v[k]) > refineGate_) m = std::max(m, refine(v[k - 1], v[k], v[k + 1]));
    }
    peak = std::max(peak, m);
  }
  return peak;
}

void TruePeakLimiter::process(double* left, double* right, int n) {
  // The gain path runs on local copies of its state: stores to left/right may alias members,
  // which would otherwise be reloaded every frame.
  double* const dequeValue = dequeValue_.data();
  long long* const dequeIndex = dequeIndex_.data();
  double* const ring = averageRing_.data();
  double* const delay = delay_.data();
  const int capacity = static_cast<int>(dequeValue_.size());
  const int average = average_, hold = hold_, latency = latency_, delayFrames = delayFrames_;
  const double releaseStep = 1.0 - releaseCoef_;
  int quietRun = quietRun_, dequeHead = dequeHead_, dequeSize = dequeSize_;
  int averagePos = averagePos_, onesRun = onesRun_, delayPos = delayPos_;
  long long frame = frame_;
  double envelope = envelope_, averageSum = averageSum_, gain = gain_;
  bool atRest = atRest_;
  for (int i = 0; i < n; ++i) {
    if (ceilingDb_.isSmoothing()) updateCeilingLevels(ceilingDb_.next());
    const double inL = left[i], inR = right[i];

    if (std::fabs(inL) >= quietLevel_ || std::fabs(inR) >= quietLevel_) {
      quietRun = 0;
    } else if (quietRun < 2 * kPairs1) {
      ++quietRun;
    }
    const double peak = detectPeak(inL, inR, quietRun >= 2 * kPairs1);
    if (peak > ceiling_ || !atRest) {
      const double required = peak > ceiling_ ? ceiling_ / peak : 1.0;
      // Sliding minimum over hold frames.
      while (dequeSize > 0) {
        int back = dequeHead + dequeSize - 1;
        if (back >= capacity) back -= capacity;
        if (dequeValue[back] < required) break;
        --dequeSize;
      }
      int slot = dequeHead + dequeSize;
      if (slot >= capacity) slot -= capacity;
      dequeValue[slot] = required;
      dequeIndex[slot] = frame;
      ++dequeSize;
      if (dequeIndex[dequeHead] <= frame - hold) {
        dequeHead = dequeHead + 1 == capacity ? 0 : dequeHead + 1;
        --dequeSize;
      }
      const double held = dequeValue[dequeHead];

      // Instant attack on the held value, exponential release; snap the last 1e-12.
      if (held < envelope) {
        envelope = held;
      } else {
        envelope += (held - envelope) * releaseStep;
        if (held - envelope < 1e-12) envelope = held;
      }

      // Moving average (the attack ramp).
      averageSum += envelope - ring[averagePos];
      ring[averagePos] = envelope;
      if (averagePos + 1 == average) {
        double exact = 0.0;
        for (int k = 0; k < average; ++k) exact += ring[k];
        averageSum = exact;
      }
      gain = averageSum >= average ? 1.0 : averageSum / average;

      // At rest: the envelope is 1 (so the deque holds a single 1.0), the ring is all ones and
      // its sum is exactly W. A frame with required == 1 then changes nothing but averagePos,
      // frame and that deque entry's index — which the next required < 1 pops unread (it pops
      // every value >= itself) — so such frames skip this block.
      if (envelope == 1.0) {
        onesRun = std::min(onesRun + 1, average);
        atRest = onesRun == average && averageSum == static_cast<double>(average);
      } else {
        onesRun = 0;
        atRest = false;
      }
    }
    ++frame;
    averagePos = averagePos + 1 == average ? 0 : averagePos + 1;

    // Delay line and gain.
    delay[2 * delayPos] = inL;
    delay[2 * delayPos + 1] = inR;
    int readPos = delayPos - latency;
    if (readPos < 0) readPos += delayFrames;
    delayPos = delayPos + 1 == delayFrames ? 0 : delayPos + 1;
    left[i] = gain * delay[2 * readPos];
    right[i] = gain * delay[2 * readPos + 1];
  }
  quietRun_ = quietRun;
  dequeHead_ = dequeHead;
  dequeSize_ = dequeSize;
  averagePos_ = averagePos;
  onesRun_ = onesRun;
  delayPos_ = delayPos;
  frame_ = frame;
  envelope_ = envelope;
  averageSum_ = averageSum;
  gain_ = gain;
  atRest_ = atRest;
  reductionDb_ = gain_ < 1.0 ? -dmath::gainToDb(gain_) : 0.0;
}

}  // namespace vocalmix
