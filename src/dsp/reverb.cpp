// Feedback delay network after J.-M. Jot & A. Chaigne, "Digital delay networks for designing
// artificial reverberators" (AES 1991): a lossless (orthogonal, here Hadamard) feedback matrix
// plus per-line absorbent filters whose attenuation is proportional to the line length gives
// one decay time across all modes: g = 10^(−3·len / (RT60·fs)). Input diffusion follows the
// allpass chain of J. Dattorro, "Effect Design Part 1" (JAES 1997).
#include "dsp/reverb.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "dsp/dmath.h"
#include "dsp/pair.h"

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
  highPassL_.reset();
  highPassR_.reset();
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
  highPassL_.setCoefficients(c);
  highPassR_.setCoefficients(c);
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
  double absorb[kLines], high[kLines], lowMinusHigh[kLines];
  unsigned length[kLines];
  for (int j = 0; j < kLines; ++j) {
    absorb[j] = tank.absorbState[j];
    high[j] = tank.high[j];
    lowMinusHigh[j] = tank.lowMinusHigh[j];
    length[j] = tank.lineLength[j];
  }

  for (int i = 0; i < n; ++i) {
    if (tank.gainMorph.isSmoothing()) {
      const double t = tank.gainMorph.next();
      const bool done = !tank.gainMorph.isSmoothing();
      for (int j = 0; j < kLines; ++j) {
        high[j] = done ? tank.toHigh[j]
                       : tank.fromHigh[j] + t * (tank.toHigh[j] - tank.fromHigh[j]);
        lowMinusHigh[j] = done ? tank.toLowMinusHigh[j]
                               : tank.fromLowMinusHigh[j] +
                                     t * (tank.toLowMinusHigh[j] - tank.fromLowMinusHigh[j]);
      }
    }

    // Schroeder allpasses: y = −g·v + z^−N·w, w = v + g·y.
    double v = x[i];
    double* diffusionNow = diffusion + kDiffusers * (clock & diffusionMask);
    for (int k = 0; k < kDiffusers; ++k) {
      const double delayed =
          diffusion[kDiffusers * ((clock - tank.diffuserLength[k]) & diffusionMask) + k];
      const double y = delayed - tank.diffuserGain[k] * v;
      diffusionNow[k] = flushFloor(v + tank.diffuserGain[k] * y);
      v = y;
    }

    double y[kLines];
    for (int j = 0; j < kLines; ++j) y[j] = lines[kLines * ((clock - length[j]) & lineMask) + j];
    double sumL = 0.0, sumR = 0.0;
    for (int j = 0; j < kLines; ++j) {
      sumL += kLeftSign[j] * y[j];
      sumR += kRightSign[j] * y[j];
    }
    const double outL = outputGain * sumL, outR = outputGain * sumR;
    if (level) {
      l[i] += level[i] * outL;
      r[i] += level[i] * outR;
    } else {
      l[i] = outL;
      r[i] = outR;
    }

    // The eight lines as four pairs (dsp/pair.h): lines 2p and 2p+1 side by side, with the
    // same per-line arithmetic as one line at a time.
    const Pair damp = splat(damping[i]);
    Pair f[kLines / 2];
    for (int p = 0; p < kLines / 2; ++p) {
      const Pair yp = loadPair(y + 2 * p), ap = loadPair(absorb + 2 * p);
      const Pair a = flushBelow(ap + damp * (yp - ap), 1e-30);
      storePair(absorb + 2 * p, a);
      f[p] = loadPair(high + 2 * p) * yp + loadPair(lowMinusHigh + 2 * p) * a;
    }
    // Unnormalised 8-point Hadamard (fast Walsh–Hadamard); the 1/√8 lives in the gains.
    // Span 1 pairs the two lanes of each Pair: (a, b) → (a + b, a + (−b)), exact.
    for (Pair& q : f) {
      const Pair lo = __builtin_shufflevector(q, q, 0, 0), hi = __builtin_shufflevector(q, q, 1, 1);
      q = lo + hi * Pair{1.0, -1.0};
    }
    for (int span = 1; span < kLines / 2; span <<= 1) {  // spans 2 and 4 lines: whole pairs
      for (int j = 0; j < kLines / 2; j += 2 * span) {
        for (int k = j; k < j + span; ++k) {
          const Pair a = f[k], b = f[k + span];
          f[k] = a + b;
          f[k + span] = a - b;
        }
      }
    }
    const Pair injected = splat(kInputScale * v);
    double* linesNow = lines + kLines * (clock & lineMask);
    for (int p = 0; p < kLines / 2; ++p) {
      storePair(linesNow + 2 * p, flushBelow(f[p] + loadPair(kInSign + 2 * p) * injected, kFloor));
    }
    ++clock;
  }

  tank.clock = clock;
  for (int j = 0; j < kLines; ++j) {
    tank.absorbState[j] = absorb[j];
    tank.high[j] = high[j];
    tank.lowMinusHigh[j] = lowMinusHigh[j];
  }
}

void Reverb::process(const double* in, double* outL, double* outR, int n) {
  int done = 0;
  while (done < n) {
    int len = std::min(n - done, kChunk);
    if (fadeRemaining_ > 0) len = std::min(len, fadeRemaining_);  // chunks end where fades do

    double x[kChunk], damping[kChunk], l[kChunk], r[kChunk];
    for (int i = 0; i < len; ++i) {
      // Pre-delay: write first so 0 ms reads the current sample; linear fractional read while
      // a change glides (exact at whole-sample delays, where t = 0).
      preDelay_[preWrite_ & preMask_] = in[done + i];
      const double d = preDelaySamples_.next();
      const auto whole = static_cast<unsigned>(d);
      const double t = d - static_cast<double>(whole);
      const double a = preDelay_[(preWrite_ - whole) & preMask_];
      const double b = preDelay_[(preWrite_ - whole - 1) & preMask_];
      x[i] = a + t * (b - a);
      ++preWrite_;
      damping[i] = dampingCoeff_.next();
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

    for (int i = 0; i < len; ++i) {
      if (highPassCorner_.isSmoothing()) {
        highPassCorner_.next();
        if ((highPassClock_++ & 15u) == 0 || !highPassCorner_.isSmoothing()) designHighPass();
      }
      outL[done + i] = flushFloor(highPassL_.process(l[i]));
      outR[done + i] = flushFloor(highPassR_.process(r[i]));
    }
    done += len;
  }
}

}  // namespace vocalmix
