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
// Taps of the detector's widest 4× point filter (±34) and a margin.
constexpr int kMaxTaps = 2 * (TruePeakLimiter::kPairs1 + TruePeakLimiter::kPairs2) + 2;

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

// The curvature part of a 4× point's filter. e = h − g (the filter less its cubic
// interpolation) has no constant or linear part, so e = Δ²f for an f strictly inside e's span
// [lo, hi]: Σ e·x = Σ f·Δ²x, where Δ²x at t = x[t−1] − 2x[t] + x[t+1] uses samples in the span
// only. Returns Σ|f|, and in *residual the Σ|r| of r = e − Δ²f (rounding, and f[hi], ~1e-14,
// which is left out so that f stays inside the span): Σ e·x = Σ f·Δ²x + Σ r·x exactly.
double curvatureSum(const double* e, int n, double* residual) {
  int lo = 0, hi = n - 1;
  while (lo < n && e[lo] == 0.0) ++lo;
  while (hi > lo && e[hi] == 0.0) --hi;
  double f[kMaxTaps] = {};  // f[t] = 0 outside lo < t < hi
  for (int t = lo; t + 1 < hi; ++t) f[t + 1] = e[t] + 2.0 * f[t] - (t > 0 ? f[t - 1] : 0.0);
  double sum = 0.0, r = 0.0;
  for (int t = 0; t < n; ++t) {
    const double left = t > 0 ? f[t - 1] : 0.0, right = t + 1 < n ? f[t + 1] : 0.0;
    sum += std::fabs(f[t]);
    r += std::fabs(e[t] - (left - 2.0 * f[t] + right));
  }
  *residual = r;
  return sum;
}

}  // namespace

TruePeakLimiter::TruePeakLimiter() {
  ceilingDb_.snap(-1.0);
  const double l1 = designHalfbandL1(coef1_, kPairs1, 6.0);
  const double l2 = designHalfbandL1(coef2_, kPairs2, 8.0);
  interpolationBound_ = std::max(1.0, l1) * std::max(1.0, l2);
  for (int m = 0; m < kPairs1; ++m) coefPairs1_[m] = Frame{coef1_[m], coef1_[m]};
  for (int m = 0; m < kPairs2; ++m) coefPairs2_[m] = Frame{coef2_[m], coef2_[m]};

  // The 4× points' filters on the input, taps at offsets −kReach..kReach from the centre
  // sample c: the 2× value between x[k] and x[k+1] (k = 0: the ½ point), and the two stage-2
  // values either side of c (the ±¼ points), composed as the detector computes them.
  constexpr int kReach = kMaxTaps / 2;
  double h[3][kMaxTaps] = {};
  auto addHalf = [&](double* to, int k, double c) {
    for (int m = 1; m <= kPairs1; ++m) {
      to[kReach + k + m] += c * (2.0 * coef1_[m - 1]);
      to[kReach + k + 1 - m] += c * (2.0 * coef1_[m - 1]);
    }
  };
  auto add2x = [&](double* to, int i, double c) {  // the 2× stream: x[i/2] or a ½ point
    if (i % 2 == 0) {
      to[kReach + i / 2] += c;
    } else {
      addHalf(to, (i - 1) / 2, c);
    }
  };
  for (int side = 0; side < 2; ++side) {  // between 2× values i and i + 1: i = −1 or 0
    const int i = side - 1;
    for (int m = 1; m <= kPairs2; ++m) {
      add2x(h[side], i + m, 2.0 * coef2_[m - 1]);
      add2x(h[side], i + 1 - m, 2.0 * coef2_[m - 1]);
    }
  }
  addHalf(h[2], 0, 1.0);
  // Less the cubic (4-point Lagrange) interpolations the bound evaluates (exact in binary).
  const double cubic[3][4] = {{-5.0 / 128, 35.0 / 128, 105.0 / 128, -7.0 / 128},   // c − 2 .. c + 1
                              {-7.0 / 128, 105.0 / 128, 35.0 / 128, -5.0 / 128},   // c − 1 .. c + 2
                              {-1.0 / 16, 9.0 / 16, 9.0 / 16, -1.0 / 16}};        // c − 1 .. c + 2
  const int first[3] = {-2, -1, -1};
  double residual = 0.0, sums[3];
  for (int p = 0; p < 3; ++p) {
    for (int k = 0; k < 4; ++k) h[p][kReach + first[p] + k] -= cubic[p][k];
    double r = 0.0;
    sums[p] = curvatureSum(h[p], kMaxTaps, &r);
    residual = std::max(residual, r);
  }
  curveQuarter_ = std::max(sums[0], sums[1]);
  curveHalf_ = sums[2];
  // The detector's own rounding is ~1e-13 of the span's largest sample, as is the rounding of
  // the bound's terms; 1e-9 covers all of it with a wide margin.
  kappa_ = 1e-9 + residual;
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
  prev_[0] = prev_[1] = zero;
  std::fill(std::begin(blockX_), std::end(blockX_), zero);
  std::fill(std::begin(blockD_), std::end(blockD_), zero);
  detector_ = DetectorState{};
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

void TruePeakLimiter::setDetectorSkipping(bool on) {
  skipping_ = on;
  updateCeilingLevels(ceilingDb_.current());
}

void TruePeakLimiter::updateCeilingLevels(double ceilingDb) {
  ceiling_ = dmath::dbToGain(ceilingDb);
  refineGate_ = kRefineGate * ceiling_;
  // A frame whose 4× values are all <= refineGate_ takes detectPeak()'s fast path and returns
  // at most refineGate_ < ceiling_ (no refinement), so skipping it (returning 0) changes
  // nothing downstream. The margin covers the rounding of the bound's own arithmetic.
  // Without skipping the gate is −1: no bound (>= 0) passes it.
  skipGate_ = skipping_ ? refineGate_ * (1.0 - 1e-9) : -1.0;
  // max|x| <= crudeGate_ implies max|x|·(interpolationBound_ + kappa_) <= skipGate_ (the
  // factor below the quotient's rounding).
  crudeGate_ = skipGate_ / (interpolationBound_ + kappa_) * (1.0 - 1e-12);
}

// Pushes one stereo frame through the two half-band interpolators and returns the largest
// |4× value| (refined) over both channels for the points c − ¼, c, c + ¼, c + ½, where
// c = the frame kDetectDelay ago.
//
// Skipping. The frame's result also depends on the last frame's c − ½ point, so it could reach
// the gate only if one of c − ½ … c + ½ does. Each is bounded from the input (per lane):
//   crude: max|x| over the span × (interpolationBound_ (the stages' Σ|h|) + kappa_), enough
//          for ~3/4 of the frames of a vocal (compared as max|x| <= crudeGate_);
//   fine:  |cubic interpolation of x at the point| + Σ|f|·max|Δ²x| + kappa_·max|x| (see the
//          constructor), within ~20 % of the real value on vocals; the c − ½ point is the
//          last frame's c + ½, whose bound (or value) is kept in DetectorState::prevHalf.
// The maxima cover x[j − 80 … j] and Δ²x at j − 81 … j − 1 (j = the newest frame), more than
// the span x[c − 34 … c + 34] = x[j − 68 … j] and the Δ²x inside it. Rounding: the computed
// 4× values differ from the exact Σ h·x by ~1e-13·max|x| and the bound's own terms by less,
// all inside kappa_·max|x| (1e-9); skipGate_'s margin covers rounding of the final sums.
// When every bound is at most skipGate_ nothing is computed and 0 is returned: the full
// detector would have returned at most refineGate_ < ceiling_, which changes nothing
// downstream either. The stage-2 ring is left as it is and prev_ goes stale; the next
// computed frame first moves the ring on and rewrites the skipped frames' entries in the
// stage-2 window (at most kStale 2× values, from the longer input ring, and their samples)
// and prev_, so every computed frame sees exactly the values it would have without skipping
// and the output is the same bit for bit (setDetectorSkipping(false) is the test reference).
// Inlined into process(): a call there would force its state out of registers every frame.
__attribute__((always_inline)) inline double TruePeakLimiter::detectPeak(double left, double right,
                                                                     DetectorState& d) {
  // Writes v at pos in a doubled ring of len entries and returns the newest `window` entries,
  // oldest → newest.
  auto push = [](Frame* ring, int& pos, int len, int window, Frame v) {
    ring[pos] = v;
    ring[pos + len] = v;
    pos = pos + 1 == len ? 0 : pos + 1;
    return ring + pos + len - window;
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
  // Per lane a > b ? a : b (one maxpd): a NaN in a is dropped, a NaN in b kept.
  auto larger = [](Frame a, Frame b) -> Frame { return a > b ? a : b; };
  const PairMask absMask = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
  const Frame zero = {0.0, 0.0};
  constexpr int kWindow1 = 2 * kPairs1;
  constexpr int kLen2 = 2 * kPairs2;
  const Frame* w1 = push(ring1_, d.pos1, kRing1, kWindow1, Frame{left, right});

  // Span maxima. |x| goes in with NaN as +inf (so a NaN anywhere in the span blocks the skip);
  // Δ²x needs no such care: it is non-finite only where x is.
  const Frame newest = w1[kWindow1 - 1];
  const Frame curve = (w1[kWindow1 - 3] + newest) - 2.0 * w1[kWindow1 - 2];  // Δ²x at j − 1
  const Frame inf = {__builtin_inf(), __builtin_inf()};
  const Frame absX = (Frame)((PairMask)newest & absMask);
  d.curX = larger(d.curX, absX <= inf ? absX : inf);
  d.curD = larger((Frame)((PairMask)curve & absMask), d.curD);
  const Frame spanX = larger(d.curX, d.olderX), spanD = larger(d.curD, d.olderD);
  if (++d.blockFill == kBlock) {
    d.blockFill = 0;
    blockX_[d.blockSlot] = d.curX;
    blockD_[d.blockSlot] = d.curD;
    d.blockSlot = d.blockSlot + 1 == kBlocks ? 0 : d.blockSlot + 1;
    d.olderX = blockX_[0];
    d.olderD = blockD_[0];
    for (int b = 1; b < kBlocks; ++b) {
      d.olderX = larger(blockX_[b], d.olderX);
      d.olderD = larger(blockD_[b], d.olderD);
    }
    d.curX = d.curD = zero;
  }

  bool skip = false;
  if (std::max(spanX[0], spanX[1]) <= crudeGate_) {
    skip = true;
    // Covers this frame's c + ½ point too; kept as a value since the gate may glide.
    d.prevHalf = (interpolationBound_ + kappa_) * spanX;
  } else {
    // x[c − 2 … c + 2]; c = j − kDetectDelay is w1[kWindow1 − 1 − kDetectDelay].
    const Frame* x = w1 + (kWindow1 - 1 - kDetectDelay);
    const Frame gate = {skipGate_, skipGate_};
    const Frame tail = kappa_ * spanX;
    const Frame quarterTail = curveQuarter_ * spanD + tail;
    const Frame halfTail = curveHalf_ * spanD + tail;
    const Frame before = ((-5.0 / 128) * x[-2] + (35.0 / 128) * x[-1]) +
                         ((105.0 / 128) * x[0] + (-7.0 / 128) * x[1]);
    const Frame after = ((-7.0 / 128) * x[-1] + (105.0 / 128) * x[0]) +
                        ((35.0 / 128) * x[1] + (-5.0 / 128) * x[2]);
    const Frame half = (9.0 / 16) * (x[0] + x[1]) - (1.0 / 16) * (x[-1] + x[2]);
    const Frame halfBound = (Frame)((PairMask)half & absMask) + halfTail;
    const PairMask ok = ((Frame)((PairMask)before & absMask) + quarterTail <= gate) &
                        ((Frame)((PairMask)after & absMask) + quarterTail <= gate) &
                        (halfBound <= gate) & ((Frame)((PairMask)x[0] & absMask) <= gate) &
                        (d.prevHalf <= gate);
    skip = ok[0] && ok[1];
    d.prevHalf = halfBound;
  }
  if (skip) {
    // The stage-2 ring is left alone; resuming moves it on and rewrites every entry the
    // skipped frames own.
    d.stale = d.stale < kStale ? d.stale + 1 : kStale;
    return 0.0;
  }
  if (d.stale > 0) {
    // Move the stage-2 ring on by the skipped frames (two entries each; once stale has
    // saturated the whole window is rewritten, so the position no longer matters), rewrite
    // their entries still in its window (frame j − k owns the 2× value 2k entries back and its
    // sample, w1[kPairs1 − k], after it), then the last frame's two latest 4× values.
    d.pos2 += 2 * d.stale;
    if (d.pos2 >= kLen2) d.pos2 -= kLen2;
    for (int k = d.stale; k >= 1; --k) {
      const Frame m = interpolate(coefPairs1_, kPairs1, w1 - k);
      const Frame s = w1[kPairs1 - k];
      int slot = d.pos2 - 2 * k;
      if (slot < 0) slot += kLen2;
      ring2_[slot] = m;
      ring2_[slot + kLen2] = m;
      ring2_[slot + 1] = s;
      ring2_[slot + 1 + kLen2] = s;
    }
    prev_[0] = interpolate(coefPairs2_, kPairs2, ring2_ + d.pos2);
    prev_[1] = ring2_[d.pos2 + kPairs2];
    d.stale = 0;
  }
  const Frame mid = interpolate(coefPairs1_, kPairs1, w1);  // halfway between the two below
  const Frame sample = w1[kPairs1];
  const Frame* w2 = push(ring2_, d.pos2, kLen2, kLen2, mid);
  const Frame q0 = interpolate(coefPairs2_, kPairs2, w2);
  const Frame q1 = w2[kPairs2];
  w2 = push(ring2_, d.pos2, kLen2, kLen2, sample);
  const Frame q2 = interpolate(coefPairs2_, kPairs2, w2);
  const Frame q3 = w2[kPairs2];
  const Frame prev0 = prev_[0], prev1 = prev_[1];
  prev_[0] = q2;
  prev_[1] = q3;
  // Usually no 4× value is near the gate: the peak is then the largest |value| of the four new
  // ones, found two lanes at a time. Otherwise (or with NaN) the per-channel refinement below.
  const Frame a1 = (Frame)((PairMask)prev1 & absMask), a2 = (Frame)((PairMask)q0 & absMask),
              a3 = (Frame)((PairMask)q1 & absMask), a4 = (Frame)((PairMask)q2 & absMask),
              a5 = (Frame)((PairMask)q3 & absMask);
  d.prevHalf = a5;
  const Frame refineAt = {refineGate_, refineGate_};
  const PairMask below = (a1 <= refineAt) & (a2 <= refineAt) & (a3 <= refineAt) &
                         (a4 <= refineAt) & (a5 <= refineAt);
  if (below[0] && below[1]) {
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
  int dequeHead = dequeHead_, dequeSize = dequeSize_;
  int averagePos = averagePos_, onesRun = onesRun_, delayPos = delayPos_;
  long long frame = frame_;
  double envelope = envelope_, averageSum = averageSum_, gain = gain_;
  bool atRest = atRest_;
  DetectorState detector = detector_;
  for (int i = 0; i < n; ++i) {
    if (ceilingDb_.isSmoothing()) updateCeilingLevels(ceilingDb_.next());
    const double inL = left[i], inR = right[i];

    const double peak = detectPeak(inL, inR, detector);
    if (peak > ceiling_ || !atRest) {
      const double required = peak > ceiling_ ? ceiling_ / peak : 1.0;
      // Sliding minimum over hold frames.
      int back = dequeHead + dequeSize - 1;
      if (back >= capacity) back -= capacity;
      if (dequeSize > 0 && dequeValue[back] == required) {
        // Usual while releasing (both 1.0): the loop below would pop this entry and stop at
        // the next (values rise strictly from head to back), then push the same value in its
        // place, so only the index changes.
        dequeIndex[back] = frame;
      } else {
        while (dequeSize > 0) {
          back = dequeHead + dequeSize - 1;
          if (back >= capacity) back -= capacity;
          if (dequeValue[back] < required) break;
          --dequeSize;
        }
        int slot = dequeHead + dequeSize;
        if (slot >= capacity) slot -= capacity;
        dequeValue[slot] = required;
        dequeIndex[slot] = frame;
        ++dequeSize;
      }
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
  detector_ = detector;
  reductionDb_ = gain_ < 1.0 ? -dmath::gainToDb(gain_) : 0.0;
}

}  // namespace vocalmix
