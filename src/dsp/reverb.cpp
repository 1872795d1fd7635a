// Feedback delay network after J.-M. Jot & A. Chaigne, "Digital delay networks for designing
// artificial reverberators" (AES 1991): a lossless (orthogonal, here Hadamard) feedback matrix
// plus per-line absorbent filters whose attenuation is proportional to the line length gives
// one decay time across all modes: g = 10^(−3·len / (RT60·fs)). Input diffusion follows the
// allpass chain of J. Dattorro, "Effect Design Part 1" (JAES 1997).
#include "dsp/reverb.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>

#include "dsp/dmath.h"
#include "dsp/pair.h"
#include "dsp/pair_biquad.h"

namespace vocalmix {
namespace {

struct TypeShape {
  double lineMs[Reverb::kLines];  // before rounding to distinct primes
  double diffuserMs[Reverb::kDiffusers];
  double diffuserGain[Reverb::kDiffusers];
};

// Plate: short, closely spaced lines and strong diffusion (dense and bright from the start).
// Room: small lines, light diffusion (early reflections stay audible). Hall: long lines, wide
// spread, longer diffusers so the sparse early field is smeared into a smooth onset.
constexpr TypeShape kPlate{{11.3, 12.9, 14.8, 16.6, 18.9, 21.2, 23.8, 26.7},
                           {4.77, 3.60, 12.73, 9.31},
                           {0.75, 0.75, 0.625, 0.625}};
constexpr TypeShape kRoom{{5.3, 6.2, 7.3, 8.4, 9.8, 11.2, 12.8, 14.5},
                          {1.3, 2.3, 3.7, 5.9},
                          {0.6, 0.6, 0.5, 0.5}};
constexpr TypeShape kHall{{31.1, 36.7, 42.9, 49.3, 56.3, 63.7, 71.9, 80.9},
                          {5.3, 7.9, 12.1, 17.3},
                          {0.7, 0.7, 0.6, 0.6}};

const TypeShape& shapeOf(ReverbType t) {
  switch (t) {
    case ReverbType::Plate: return kPlate;
    case ReverbType::Room: return kRoom;
    case ReverbType::Hall: return kHall;
  }
  return kPlate;
}

// Input distribution and the two output sign patterns; the output patterns are orthogonal, so
// for a diffuse tail the expected L/R correlation is zero.
constexpr double kInSign[Reverb::kLines] = {+1, -1, +1, +1, -1, +1, -1, -1};
constexpr double kLeftSign[Reverb::kLines] = {+1, +1, -1, +1, -1, -1, +1, -1};
constexpr double kRightSign[Reverb::kLines] = {+1, -1, -1, -1, +1, -1, +1, +1};

constexpr double kInputScale = 0.5;
// The reverberant energy of an FDN grows as RT60 / (mean line length) (each pass through the
// tank emits its energy once), so a hall with 3× longer lines would be ~5 dB quieter than a
// plate at the same decay. The output is scaled by √(mean length / 18 ms) so that switching
// type keeps the wet level; a 1 s decay then returns ≈ −3 dB of the send's energy.
constexpr double kOutputScale = 0.25;
constexpr double kReferenceMeanLineSeconds = 0.018;
constexpr double kInvSqrt8 = 0.35355339059327376220;
constexpr double kHighDecayRatio = 3.0;  // RT60 far above the damping corner = RT60 / 3

constexpr double kTypeFadeSeconds = 0.3;
constexpr double kDecayGlideSeconds = 0.1;
constexpr double kPreDelayGlideSeconds = 0.3;
constexpr double kDampingGlideSeconds = 0.05;
constexpr double kHighPassGlideSeconds = 0.05;
constexpr double kMaxPreDelayMs = 200.0;
constexpr double kButterworthQ = 0.70710678118654752440;

// Filter states flush below 1e-30 (WebAssembly has no flush-to-zero). What re-enters a delay
// line, and what leaves through the return high-pass, is floored at 1e-20 (−400 dBFS) instead:
// a 1e-30 flush is a small dead zone, and a dead zone inside a resonant loop can sustain a limit
// cycle far above its own threshold (a 20 Hz RBJ high-pass at 48 kHz keeps ringing at ~3e-28
// with zero input, since a 1e-30 state error is amplified by ~1/ω). A floor well above such
// orbits guarantees that every tail ends in exact zeros.
constexpr double kFloor = 1e-20;
inline double flushFloor(double v) { return std::fabs(v) < kFloor ? 0.0 : v; }

// Signed distance between two ring positions (both < 2^31).
std::ptrdiff_t offset(unsigned to, unsigned from) {
  return static_cast<std::ptrdiff_t>(to) - static_cast<std::ptrdiff_t>(from);
}

bool isPrime(unsigned n) {
  if (n < 2) return false;
  for (unsigned d = 2; d * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

unsigned primeAtLeast(unsigned n) {
  while (!isPrime(n)) ++n;
  return n;
}

unsigned samplesFor(double ms, double sampleRate) {
  return static_cast<unsigned>(std::floor(ms * 0.001 * sampleRate + 0.5));
}

unsigned powerOfTwoAbove(unsigned n) {
  unsigned size = 1;
  while (size <= n) size <<= 1;
  return size;
}

// The longest line / diffuser any type asks for at this rate (primes lie a few samples above
// the rounded length; 64 covers the gaps at every supported rate).
unsigned longestLine(double sampleRate, bool diffusers) {
  unsigned longest = 0;
  for (ReverbType t : {ReverbType::Plate, ReverbType::Room, ReverbType::Hall}) {
    const TypeShape& s = shapeOf(t);
    if (diffusers) {
      for (double ms : s.diffuserMs) longest = std::max(longest, samplesFor(ms, sampleRate));
    } else {
      for (double ms : s.lineMs) longest = std::max(longest, samplesFor(ms, sampleRate));
    }
  }
  return longest + 64;
}

// One-pole low-pass coefficient; the corner is kept below 0.45·fs at low sample rates.
double dampingCoefficient(double hz, double sampleRate) {
  return 1.0 - dmath::exp(-dmath::kTwoPi * std::min(hz, 0.45 * sampleRate) / sampleRate);
}

}  // namespace

void Reverb::prepare(double sampleRate, int /*maxBlock*/) {
  sampleRate_ = sampleRate;
  const unsigned preSize =
      powerOfTwoAbove(static_cast<unsigned>(std::ceil(kMaxPreDelayMs * 0.001 * sampleRate)) + 2);
  preDelay_.assign(preSize, 0.0);
  preMask_ = preSize - 1;

  const unsigned lineSize = powerOfTwoAbove(longestLine(sampleRate, false));
  const unsigned diffusionSize = powerOfTwoAbove(longestLine(sampleRate, true));
  lineMask_ = lineSize - 1;
  diffusionMask_ = diffusionSize - 1;
  for (Tank& tank : tanks_) {
    tank.lines.assign(static_cast<size_t>(lineSize) * kLines, 0.0);
    tank.diffusion.assign(static_cast<size_t>(diffusionSize) * kDiffusers, 0.0);
    tank.gainMorph.prepare(sampleRate, kDecayGlideSeconds);
  }
  fadeLength_ = std::max(1, static_cast<int>(std::floor(kTypeFadeSeconds * sampleRate + 0.5)));
  preDelaySamples_.prepare(sampleRate, kPreDelayGlideSeconds);
  dampingCoeff_.prepare(sampleRate, kDampingGlideSeconds);
  highPassCorner_.prepare(sampleRate, kHighPassGlideSeconds);
  reset();
}

void Reverb::reset() {
  if (preDelay_.empty()) return;  // not prepared yet: prepare() calls back here
  std::fill(preDelay_.begin(), preDelay_.end(), 0.0);
  preWrite_ = 0;
  preDelaySamples_.snap(preDelayMs_ * 0.001 * sampleRate_);
  dampingCoeff_.snap(dampingCoefficient(dampingHz_, sampleRate_));
  active_ = 0;
  fadeRemaining_ = 0;
  configureTank(tanks_[0], type_);
  configureTank(tanks_[1], type_);
  highPassCorner_.snap(highPassHz_);
  highPassClock_ = 0;
  designHighPass();
  highPass_.reset();
}

void Reverb::setType(ReverbType t) {
  type_ = t;
  // During a crossfade the change waits; process() starts it when the fade ends.
  if (!preDelay_.empty() && fadeRemaining_ == 0 && tanks_[active_].type != t) startCrossfade();
}

void Reverb::startCrossfade() {
  active_ = 1 - active_;
  configureTank(tanks_[active_], type_);
  fadeRemaining_ = fadeLength_;
}

void Reverb::setPreDelay(Milliseconds ms) {
  preDelayMs_ = std::clamp(ms.value, 0.0, kMaxPreDelayMs);
  preDelaySamples_.setTarget(preDelayMs_ * 0.001 * sampleRate_);
}

void Reverb::setDecay(Seconds rt60) {
  decaySeconds_ = std::clamp(rt60.value, 0.2, 8.0);
  if (preDelay_.empty()) return;
  for (Tank& tank : tanks_) setTankDecay(tank, true);
}

void Reverb::setDamping(Hz f) {
  dampingHz_ = std::clamp(f.value, 1000.0, 20000.0);
  dampingCoeff_.setTarget(dampingCoefficient(dampingHz_, sampleRate_));
}

void Reverb::setHighPass(Hz f) {
  highPassHz_ = std::clamp(f.value, 20.0, 1000.0);
  highPassCorner_.setTarget(highPassHz_);
}

void Reverb::designHighPass() {
  const auto c = BiquadCoefficients::design(FilterType::HighPass, sampleRate_,
                                            highPassCorner_.current(), kButterworthQ, 0.0);
  highPass_.setCoefficients(c);
}

void Reverb::configureTank(Tank& tank, ReverbType type) {
  tank.type = type;
  const TypeShape& shape = shapeOf(type);
  unsigned previous = 1;
  for (int k = 0; k < kDiffusers; ++k) {
    // Distinct primes so the diffusers' echo patterns never line up.
    previous = primeAtLeast(std::max(samplesFor(shape.diffuserMs[k], sampleRate_), previous + 1));
    tank.diffuserLength[k] = previous;
    tank.diffuserGain[k] = shape.diffuserGain[k];
  }
  previous = 1;
  double meanLength = 0.0;
  for (int i = 0; i < kLines; ++i) {
    // Increasing distinct primes: mutually prime lengths spread the modes evenly.
    previous = primeAtLeast(std::max(samplesFor(shape.lineMs[i], sampleRate_), previous + 1));
    tank.lineLength[i] = previous;
    meanLength += previous / static_cast<double>(kLines);
  }
  tank.outputGain =
      kOutputScale * std::sqrt(meanLength / (kReferenceMeanLineSeconds * sampleRate_));
  std::fill(tank.lines.begin(), tank.lines.end(), 0.0);
  std::fill(tank.diffusion.begin(), tank.diffusion.end(), 0.0);
  tank.absorbState.fill(0.0);
  tank.clock = 0;
  setTankDecay(tank, false);
}

void Reverb::setTankDecay(Tank& tank, bool glide) const {
  for (int i = 0; i < kLines; ++i) {
    const double lossDb = -60.0 * tank.lineLength[i] / (decaySeconds_ * sampleRate_);
    const double low = dmath::dbToGain(lossDb);
    const double high = dmath::dbToGain(kHighDecayRatio * lossDb);
    tank.toHigh[i] = high * kInvSqrt8;
    tank.toLowMinusHigh[i] = (low - high) * kInvSqrt8;
  }
  if (glide) {
    tank.fromHigh = tank.high;
    tank.fromLowMinusHigh = tank.lowMinusHigh;
    tank.gainMorph.snap(0.0);
    tank.gainMorph.setTarget(1.0);
  } else {
    tank.high = tank.toHigh;
    tank.lowMinusHigh = tank.toLowMinusHigh;
    tank.gainMorph.snap(1.0);
  }
}

void Reverb::runTank(Tank& tank, const double* x, const double* damping, const double* level,
                     int n, double* l, double* r) const {
  // Hot state in locals: members could not stay in registers across the ring stores.
  double* lines = tank.lines.data();
  double* diffusion = tank.diffusion.data();
  const unsigned lineMask = lineMask_, diffusionMask = diffusionMask_;
  unsigned clock = tank.clock;
  const double outputGain = tank.outputGain;
  unsigned length[kLines], diffuserLength[kDiffusers];
  double diffuserGain[kDiffusers];
  for (int j = 0; j < kLines; ++j) length[j] = tank.lineLength[j];
  for (int k = 0; k < kDiffusers; ++k) {
    diffuserLength[k] = tank.diffuserLength[k];
    diffuserGain[k] = tank.diffuserGain[k];
  }
  // Per-line state as four Pairs {line p, line p + 4} (see the Hadamard below).
  Pair absorb[4], high[4], lowMinusHigh[4];
  for (int p = 0; p < 4; ++p) {
    absorb[p] = Pair{tank.absorbState[p], tank.absorbState[p + 4]};
    high[p] = Pair{tank.high[p], tank.high[p + 4]};
    lowMinusHigh[p] = Pair{tank.lowMinusHigh[p], tank.lowMinusHigh[p + 4]};
  }
  // Output sign patterns as {left, right} per line.
  Pair outSign[kLines];
  for (int j = 0; j < kLines; ++j) outSign[j] = Pair{kLeftSign[j], kRightSign[j]};
  const Pair inSign[4] = {loadPair(kInSign), loadPair(kInSign + 2), loadPair(kInSign + 4),
                          loadPair(kInSign + 6)};
  bool morphing = tank.gainMorph.isSmoothing();

  int i = 0;
  while (i < n) {
    // A run in which no ring position wraps: every read then sits at a fixed offset from the
    // frame being written, so a sample needs no index arithmetic.
    const unsigned lineAt = clock & lineMask, diffusionAt = clock & diffusionMask;
    unsigned run = std::min(static_cast<unsigned>(n - i), lineMask + 1 - lineAt);
    run = std::min(run, diffusionMask + 1 - diffusionAt);
    std::ptrdiff_t lineRead[kLines], diffusionRead[kDiffusers];
    for (int j = 0; j < kLines; ++j) {
      const unsigned at = (clock - length[j]) & lineMask;
      run = std::min(run, lineMask + 1 - at);
      lineRead[j] = kLines * offset(at, lineAt) + j;
    }
    for (int k = 0; k < kDiffusers; ++k) {
      const unsigned at = (clock - diffuserLength[k]) & diffusionMask;
      run = std::min(run, diffusionMask + 1 - at);
      diffusionRead[k] = kDiffusers * offset(at, diffusionAt) + k;
    }
    double* linesNow = lines + kLines * lineAt;
    double* diffusionNow = diffusion + kDiffusers * diffusionAt;
    clock += run;
    for (const int end = i + static_cast<int>(run); i < end;
         ++i, linesNow += kLines, diffusionNow += kDiffusers) {
      if (morphing) {
        const double t = tank.gainMorph.next();
        morphing = tank.gainMorph.isSmoothing();
        double h[kLines], lmh[kLines];
        for (int j = 0; j < kLines; ++j) {
          h[j] = !morphing ? tank.toHigh[j]
                           : tank.fromHigh[j] + t * (tank.toHigh[j] - tank.fromHigh[j]);
          lmh[j] = !morphing ? tank.toLowMinusHigh[j]
                             : tank.fromLowMinusHigh[j] +
                                   t * (tank.toLowMinusHigh[j] - tank.fromLowMinusHigh[j]);
        }
        for (int p = 0; p < 4; ++p) {
          high[p] = Pair{h[p], h[p + 4]};
          lowMinusHigh[p] = Pair{lmh[p], lmh[p + 4]};
        }
      }

      // Schroeder allpasses: y = −g·v + z^−N·w, w = v + g·y.
      double v = x[i];
      #pragma GCC unroll 8
      for (int k = 0; k < kDiffusers; ++k) {
        const double delayed = diffusionNow[diffusionRead[k]];
        const double y = delayed - diffuserGain[k] * v;
        diffusionNow[k] = flushFloor(v + diffuserGain[k] * y);
        v = y;
      }

      // The line outputs as Pairs {y[p], y[p + 4]}.
      Pair y[4];
      #pragma GCC unroll 8
      for (int p = 0; p < 4; ++p) {
        y[p] = Pair{linesNow[lineRead[p]], linesNow[lineRead[p + 4]]};
      }
      // {left, right} = Σ sign·y in line order, both sides at once (the same sums, in the same
      // order, as one side at a time).
      Pair out = splat(0.0);
      #pragma GCC unroll 8
      for (int j = 0; j < kLines; ++j) {
        const Pair yj = j < 4 ? __builtin_shufflevector(y[j & 3], y[j & 3], 0, 0)
                              : __builtin_shufflevector(y[j & 3], y[j & 3], 1, 1);
        out = out + outSign[j] * yj;
      }
      out = splat(outputGain) * out;
      if (level) {
        const Pair lv = splat(level[i]);
        const Pair sum = Pair{l[i], r[i]} + lv * out;
        l[i] = sum[0];
        r[i] = sum[1];
      } else {
        l[i] = out[0];
        r[i] = out[1];
      }

      // Absorbent shelf per line, then the unnormalised 8-point Hadamard (fast Walsh–Hadamard;
      // the 1/√8 lives in the gains) in the butterfly order span 1, 2, 4. With lanes {p, p + 4}
      // the spans 1 and 2 combine whole Pairs; span 4 runs across the lanes of two Pairs and
      // leaves the result in line order {2q, 2q + 1}, ready to store.
      const Pair damp = splat(damping[i]);
      Pair f[4];
      #pragma GCC unroll 8
      for (int p = 0; p < 4; ++p) {
        const Pair a = flushBelow(absorb[p] + damp * (y[p] - absorb[p]), 1e-30);
        absorb[p] = a;
        f[p] = high[p] * y[p] + lowMinusHigh[p] * a;
      }
      const Pair g0 = f[0] + f[1], g1 = f[0] - f[1], g2 = f[2] + f[3], g3 = f[2] - f[3];
      const Pair h0 = g0 + g2, h2 = g0 - g2, h1 = g1 + g3, h3 = g1 - g3;
      const Pair s01 = __builtin_shufflevector(h0, h1, 0, 2);  // lines {0, 1}
      const Pair d01 = __builtin_shufflevector(h0, h1, 1, 3);  // lines {4, 5}
      const Pair s23 = __builtin_shufflevector(h2, h3, 0, 2);  // lines {2, 3}
      const Pair d23 = __builtin_shufflevector(h2, h3, 1, 3);  // lines {6, 7}
      const Pair injected = splat(kInputScale * v);
      storePair(linesNow + 0, flushBelow((s01 + d01) + inSign[0] * injected, kFloor));
      storePair(linesNow + 2, flushBelow((s23 + d23) + inSign[1] * injected, kFloor));
      storePair(linesNow + 4, flushBelow((s01 - d01) + inSign[2] * injected, kFloor));
      storePair(linesNow + 6, flushBelow((s23 - d23) + inSign[3] * injected, kFloor));
    }
  }

  tank.clock = clock;
  for (int p = 0; p < 4; ++p) {
    tank.absorbState[p] = absorb[p][0];
    tank.absorbState[p + 4] = absorb[p][1];
    tank.high[p] = high[p][0];
    tank.high[p + 4] = high[p][1];
    tank.lowMinusHigh[p] = lowMinusHigh[p][0];
    tank.lowMinusHigh[p + 4] = lowMinusHigh[p][1];
  }
}

void Reverb::process(const double* in, double* outL, double* outR, int n) {
  // Hot state in locals (members could not stay in registers across the ring stores); the
  // arithmetic is the same as with the members.
  double* preDelay = preDelay_.data();
  const unsigned preMask = preMask_;
  unsigned preWrite = preWrite_;
  Smoothed preDelaySamples = preDelaySamples_, dampingCoeff = dampingCoeff_;
  int done = 0;
  while (done < n) {
    int len = std::min(n - done, kChunk);
    if (fadeRemaining_ > 0) len = std::min(len, fadeRemaining_);  // chunks end where fades do

    double x[kChunk], damping[kChunk], l[kChunk], r[kChunk];
    if (!preDelaySamples.isSmoothing() && !dampingCoeff.isSmoothing()) {
      // Both at rest: next() would return current() every time, so the same steps with the
      // delay and coefficient hoisted.
      const double d = preDelaySamples.current();
      const auto whole = static_cast<unsigned>(d);
      const double t = d - static_cast<double>(whole);
      const double damp = dampingCoeff.current();
      for (int i = 0; i < len; ++i) {
        preDelay[preWrite & preMask] = in[done + i];
        const double a = preDelay[(preWrite - whole) & preMask];
        const double b = preDelay[(preWrite - whole - 1) & preMask];
        x[i] = a + t * (b - a);
        ++preWrite;
        damping[i] = damp;
      }
    } else {
      for (int i = 0; i < len; ++i) {
        // Pre-delay: write first so 0 ms reads the current sample; linear fractional read
        // while a change glides (exact at whole-sample delays, where t = 0).
        preDelay[preWrite & preMask] = in[done + i];
        const double d = preDelaySamples.next();
        const auto whole = static_cast<unsigned>(d);
        const double t = d - static_cast<double>(whole);
        const double a = preDelay[(preWrite - whole) & preMask];
        const double b = preDelay[(preWrite - whole - 1) & preMask];
        x[i] = a + t * (b - a);
        ++preWrite;
        damping[i] = dampingCoeff.next();
      }
    }

    if (fadeRemaining_ == 0) {
      runTank(tanks_[active_], x, damping, nullptr, len, l, r);
    } else {
      // Crossfade: the input moves from the outgoing to the incoming tank along the same
      // linear ramp that fades the outgoing tank's output to exactly 0, so neither tank sees
      // its input switched on or off abruptly.
      double level[kChunk], xIn[kChunk], xOut[kChunk];
      const double step = 1.0 / fadeLength_;
      for (int i = 0; i < len; ++i) {
        level[i] = (fadeRemaining_ - 1 - i) * step;
        xOut[i] = x[i] * level[i];
        xIn[i] = x[i] - xOut[i];
      }
      runTank(tanks_[active_], xIn, damping, nullptr, len, l, r);
      runTank(tanks_[1 - active_], xOut, damping, level, len, l, r);
      fadeRemaining_ -= len;
      if (fadeRemaining_ == 0 && tanks_[active_].type != type_) startCrossfade();
    }

    // The return high-pass, both sides as one PairBiquad (bit-identical to two Biquads).
    if (!highPassCorner_.isSmoothing()) {
      PairBiquad highPass = highPass_;
      for (int i = 0; i < len; ++i) {
        const Pair y = flushBelow(highPass.process(Pair{l[i], r[i]}), kFloor);
        outL[done + i] = y[0];
        outR[done + i] = y[1];
      }
      highPass_ = highPass;
    } else {
      for (int i = 0; i < len; ++i) {
        if (highPassCorner_.isSmoothing()) {
          highPassCorner_.next();
          if ((highPassClock_++ & 15u) == 0 || !highPassCorner_.isSmoothing()) designHighPass();
        }
        const Pair y = flushBelow(highPass_.process(Pair{l[i], r[i]}), kFloor);
        outL[done + i] = y[0];
        outR[done + i] = y[1];
      }
    }
    done += len;
  }
  preWrite_ = preWrite;
  preDelaySamples_ = preDelaySamples;
  dampingCoeff_ = dampingCoeff;
}

}  // namespace vocalmix
