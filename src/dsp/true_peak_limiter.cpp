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
}

void TruePeakLimiter::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  ceilingDb_.prepare(sampleRate, kRampSeconds);
  const int maxLatency = static_cast<int>(std::ceil(kMaxLookaheadMs * 0.001 * sampleRate)) +
                         kDetectDelay + kGuard;
  dequeValue_.assign(maxLatency + 2 * kGuard + 2, 1.0);
  dequeIndex_.assign(maxLatency + 2 * kGuard + 2, 0);
  averageRing_.assign(maxLatency + 1, 1.0);
  delay_[0].assign(maxLatency + 1, 0.0);
  delay_[1].assign(maxLatency + 1, 0.0);
  setRelease(Milliseconds{releaseMs_});
  reset();
}

void TruePeakLimiter::configure() {
  const int maxLatency = static_cast<int>(delay_[0].size()) - 1;
  const int wanted = static_cast<int>(std::floor(lookaheadMs_ * 0.001 * sampleRate_ + 0.5));
  latency_ = std::clamp(wanted, kDetectDelay + kGuard, maxLatency);
  average_ = latency_ - kDetectDelay - kGuard + 1;
  hold_ = average_ + 2 * kGuard + 1;
}

void TruePeakLimiter::reset() {
  if (delay_[0].empty()) return;  // not prepared yet
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
  for (auto& d : delay_) std::fill(d.begin(), d.end(), 0.0);
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
double TruePeakLimiter::detectPeak(double left, double right, bool quiet) {
  auto push = [](Frame* ring, int& pos, int pairs, Frame v) {
    ring[pos] = v;
    ring[pos + 2 * pairs] = v;
    pos = pos + 1 == 2 * pairs ? 0 : pos + 1;
    return ring + pos;  // window, oldest → newest
  };
  // Symmetric half-band sum over the window; pairs is a multiple of 2. Partial sums in a fixed
  // order (the same result everywhere) so the adds do not form one long dependency chain.
  auto interpolate = [](const double* a, int pairs, const Frame* w) {
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
  const Frame mid = interpolate(coef1_, kPairs1, w1);  // halfway between the two below
  const Frame sample = w1[kPairs1];
  const Frame* w2 = push(ring2_, pos2_, kPairs2, mid);
  const Frame q0 = interpolate(coef2_, kPairs2, w2);
  const Frame q1 = w2[kPairs2];
  w2 = push(ring2_, pos2_, kPairs2, sample);
  const Frame q2 = interpolate(coef2_, kPairs2, w2);
  const Frame q3 = w2[kPairs2];

  double peak = 0.0;
  for (int ch = 0; ch < 2; ++ch) {
    // The 4× stream in time order: last frame's two latest values, then this frame's four.
    const double q[6] = {prev_[0][ch], prev_[1][ch], q0[ch], q1[ch], q2[ch], q3[ch]};
    double m = std::max({std::fabs(q[2]), std::fabs(q[3]), std::fabs(q[4]), std::fabs(q[5])});
    for (int k = 1; k <= 4; ++k) {
      if (std::fabs(q[k]) > refineGate_) m = std::max(m, refine(q[k - 1], q[k], q[k + 1]));
    }
    peak = std::max(peak, m);
  }
  prev_[0] = q2;
  prev_[1] = q3;
  return peak;
}

void TruePeakLimiter::process(double* left, double* right, int n) {
  const int delaySize = static_cast<int>(delay_[0].size());
  const int capacity = static_cast<int>(dequeValue_.size());
  const double releaseStep = 1.0 - releaseCoef_;
  for (int i = 0; i < n; ++i) {
    if (ceilingDb_.isSmoothing()) updateCeilingLevels(ceilingDb_.next());
    const double inL = left[i], inR = right[i];

    if (std::fabs(inL) >= quietLevel_ || std::fabs(inR) >= quietLevel_) {
      quietRun_ = 0;
    } else if (quietRun_ < 2 * kPairs1) {
      ++quietRun_;
    }
    const double peak = detectPeak(inL, inR, quietRun_ >= 2 * kPairs1);
    const double required = peak > ceiling_ ? ceiling_ / peak : 1.0;

    // Sliding minimum over hold_ frames.
    while (dequeSize_ > 0) {
      const int back = (dequeHead_ + dequeSize_ - 1) % capacity;
      if (dequeValue_[back] < required) break;
      --dequeSize_;
    }
    const int slot = (dequeHead_ + dequeSize_) % capacity;
    dequeValue_[slot] = required;
    dequeIndex_[slot] = frame_;
    ++dequeSize_;
    if (dequeIndex_[dequeHead_] <= frame_ - hold_) {
      dequeHead_ = dequeHead_ + 1 == capacity ? 0 : dequeHead_ + 1;
      --dequeSize_;
    }
    ++frame_;
    const double held = dequeValue_[dequeHead_];

    // Instant attack on the held value, exponential release; snap the last 1e-12.
    if (held < envelope_) {
      envelope_ = held;
    } else {
      envelope_ += (held - envelope_) * releaseStep;
      if (held - envelope_ < 1e-12) envelope_ = held;
    }

    // Moving average (the attack ramp).
    averageSum_ += envelope_ - averageRing_[averagePos_];
    averageRing_[averagePos_] = envelope_;
    if (++averagePos_ == average_) {
      averagePos_ = 0;
      double exact = 0.0;
      for (int k = 0; k < average_; ++k) exact += averageRing_[k];
      averageSum_ = exact;
    }
    gain_ = averageSum_ >= average_ ? 1.0 : averageSum_ / average_;

    // Delay line and gain.
    delay_[0][delayPos_] = inL;
    delay_[1][delayPos_] = inR;
    int readPos = delayPos_ - latency_;
    if (readPos < 0) readPos += delaySize;
    delayPos_ = delayPos_ + 1 == delaySize ? 0 : delayPos_ + 1;
    left[i] = gain_ * delay_[0][readPos];
    right[i] = gain_ * delay_[1][readPos];
  }
  reductionDb_ = gain_ < 1.0 ? -dmath::gainToDb(gain_) : 0.0;
}

}  // namespace vocalmix
