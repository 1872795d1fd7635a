// Reverb: RT60 measured by Schroeder backward integration (ISO 3382-1 style T30 fit) against
// the set decay, pre-delay, exact silence, stability at full scale, stereo decorrelation,
// click-free type/decay changes, and block-size invariance.
#include "dsp/reverb.h"

#include <catch2/catch.hpp>

#include "dsp/test_signals.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dsp/dmath.h"

using namespace vocalmix;
using namespace vocalmix::literals;

using namespace vocalmix::test;

namespace {

std::vector<double> noise(size_t n, double amplitude, uint32_t seed = 4242) {
  return uniformNoise(n, amplitude, seed);
}
template <typename Effect>
Stereo run(Effect& fx, const std::vector<double>& in, int block) {
  return runSend(fx, in, block);
}


// RT60 from the impulse response: Schroeder backward integration of the energy, least-squares
// line through the decay curve between −5 and −35 dB (T30), extrapolated to −60 dB.
double measureRt60(const std::vector<double>& h) {
  std::vector<double> edc(h.size());
  double acc = 0.0;
  for (size_t i = h.size(); i-- > 0;) {
    acc += h[i] * h[i];
    edc[i] = acc;
  }
  double sx = 0, sy = 0, sxx = 0, sxy = 0, count = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    const double db = 10.0 * std::log10(edc[i] / edc[0]);
    if (db > -5.0) continue;
    if (db < -35.0) break;
    const double t = static_cast<double>(i) / kFs;
    sx += t;
    sy += db;
    sxx += t * t;
    sxy += t * db;
    count += 1;
  }
  const double slope = (count * sxy - sx * sy) / (count * sxx - sx * sx);  // dB per second
  return -60.0 / slope;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b, size_t from,
                   size_t to) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = from; i < to; ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

Reverb makeReverb(ReverbType type, double decay, double preDelayMs = 0.0,
                  double damping = 20000.0, double highPass = 20.0) {
  Reverb rv;
  rv.setType(type);
  rv.setDecay(Seconds{decay});
  rv.setPreDelay(Milliseconds{preDelayMs});
  rv.setDamping(Hz{damping});
  rv.setHighPass(Hz{highPass});
  rv.prepare(kFs, 512);
  return rv;
}

const char* nameOf(ReverbType t) {
  switch (t) {
    case ReverbType::Plate: return "plate";
    case ReverbType::Room: return "room";
    case ReverbType::Hall: return "hall";
  }
  return "?";
}

constexpr ReverbType kTypes[] = {ReverbType::Plate, ReverbType::Room, ReverbType::Hall};

}  // namespace

TEST_CASE("Reverb: measured RT60 matches the set decay for every type", "[reverb]") {
  // Reference: the set RT60; measured by Schroeder integration with a −5…−35 dB fit on the
  // impulse response, damping open (20 kHz), return high-pass at 20 Hz. Tolerance ±20 %.
  for (ReverbType type : kTypes) {
    for (double decay : {1.0, 3.0}) {
      Reverb rv = makeReverb(type, decay);
      std::vector<double> in(static_cast<size_t>((2.5 * decay + 0.5) * kFs), 0.0);
      in[0] = 1.0;
      const Stereo out = run(rv, in, 480);
      const double rtL = measureRt60(out.l), rtR = measureRt60(out.r);
      INFO(nameOf(type) << " set " << decay << " s: measured L " << rtL << " R " << rtR);
      CHECK(rtL == Approx(decay).epsilon(0.2));
      CHECK(rtR == Approx(decay).epsilon(0.2));
    }
  }
}

TEST_CASE("Reverb: damping shortens the high-frequency decay only", "[reverb]") {
  // Reference: with damping at 2 kHz the broadband RT (dominated by highs in an impulse) must
  // drop clearly below the open-damping RT, while the design keeps the low-frequency RT60
  // (a 200 Hz-low-passed copy of the response) within ±20 % of the set 2 s.
  Reverb open = makeReverb(ReverbType::Hall, 2.0);
  Reverb dark = makeReverb(ReverbType::Hall, 2.0, 0.0, 2000.0);
  std::vector<double> in(static_cast<size_t>(5.5 * kFs), 0.0);
  in[0] = 1.0;
  const Stereo a = run(open, in, 480);
  const Stereo b = run(dark, in, 480);
  const double rtOpen = measureRt60(a.l), rtDark = measureRt60(b.l);
  Biquad lp1, lp2;
  const auto c = BiquadCoefficients::design(FilterType::LowPass, kFs, 200.0, 0.7071067811865476, 0);
  lp1.setCoefficients(c);
  lp2.setCoefficients(c);
  std::vector<double> low(b.l.size());
  for (size_t i = 0; i < low.size(); ++i) low[i] = lp2.process(lp1.process(b.l[i]));
  const double rtLow = measureRt60(low);
  INFO("open " << rtOpen << " s, damped " << rtDark << " s, damped below 200 Hz " << rtLow << " s");
  CHECK(rtDark < 0.8 * rtOpen);
  CHECK(rtLow == Approx(2.0).epsilon(0.2));
}

TEST_CASE("Reverb: nothing comes out before the pre-delay", "[reverb]") {
  // Reference: pre-delay·fs samples; the first non-zero output sample may not come earlier.
  for (ReverbType type : kTypes) {
    for (double ms : {0.0, 12.5, 37.5, 120.0, 200.0}) {
      Reverb rv = makeReverb(type, 1.5, ms, 8000.0, 100.0);
      std::vector<double> in(static_cast<size_t>(0.5 * kFs), 0.0);
      in[0] = 1.0;
      const Stereo out = run(rv, in, 128);
      size_t first = out.l.size();
      for (size_t i = 0; i < out.l.size(); ++i) {
        if (out.l[i] != 0.0 || out.r[i] != 0.0) {
          first = i;
          break;
        }
      }
      const double expected = ms * 0.001 * kFs;
      INFO(nameOf(type) << " pre-delay " << ms << " ms: first output at sample " << first);
      CHECK(static_cast<double>(first) >= expected);
      CHECK(first < out.l.size());  // and there is a response
    }
  }
}

TEST_CASE("Reverb: tail ends in exact digital zeros within a bounded time", "[reverb]") {
  // Reference: every feedback path is flushed (lines below 1e-20, filter states below 1e-30),
  // so the tail must be exactly 0 once the loudest tank level (≤ 10× full scale here) has
  // decayed by 60 dB per RT60 down to 1e-30: bound = burst + RT60 · 620/60 + 1 s for the
  // diffusers and the return high-pass. The return high-pass at its 20 Hz minimum is the
  // hardest case (a resonant filter whose own flushing could otherwise ring forever).
  struct Case {
    ReverbType type;
    double decay, damping;
  };
  for (const Case c : {Case{ReverbType::Plate, 1.0, 6000}, Case{ReverbType::Room, 1.0, 6000},
                       Case{ReverbType::Hall, 1.0, 6000}, Case{ReverbType::Plate, 8.0, 20000},
                       Case{ReverbType::Room, 8.0, 1000}, Case{ReverbType::Hall, 8.0, 20000}}) {
    Reverb rv = makeReverb(c.type, c.decay, 30.0, c.damping, 20.0);
    const double burstSeconds = 0.5;
    const double boundSeconds = burstSeconds + c.decay * 620.0 / 60.0 + 1.0;
    std::vector<double> in(static_cast<size_t>((boundSeconds + 2.0) * kFs), 0.0);
    const std::vector<double> n = noise(static_cast<size_t>(burstSeconds * kFs), 1.0);
    std::copy(n.begin(), n.end(), in.begin());
    const Stereo out = run(rv, in, 4096);
    size_t lastNonZero = 0;
    for (size_t i = 0; i < out.l.size(); ++i)
      if (out.l[i] != 0.0 || out.r[i] != 0.0) lastNonZero = i;
    INFO(nameOf(c.type) << " " << c.decay << " s: last non-zero at " << lastNonZero / kFs
                        << " s, bound " << boundSeconds << " s");
    CHECK(static_cast<double>(lastNonZero) < boundSeconds * kFs);
    CHECK(static_cast<double>(lastNonZero) > burstSeconds * kFs);
  }
}

TEST_CASE("Reverb: silence in gives exact zeros out", "[reverb]") {
  // Reference: digital silence; every output sample exactly 0, through setting changes and a
  // type crossfade.
  Reverb rv = makeReverb(ReverbType::Hall, 8.0, 80.0, 3000.0, 300.0);
  const std::vector<double> in(static_cast<size_t>(kFs), 0.0);
  Stereo a = run(rv, in, 333);
  rv.setType(ReverbType::Plate);
  rv.setDecay(Seconds{0.4});
  rv.setPreDelay(Milliseconds{0});
  rv.setDamping(Hz{15000});
  rv.setHighPass(Hz{20});
  Stereo b = run(rv, in, 64);
  for (const std::vector<double>* v : {&a.l, &a.r, &b.l, &b.r})
    for (double x : *v) REQUIRE(x == 0.0);
}

TEST_CASE("Reverb: full-scale noise at maximum decay stays finite and bounded", "[reverb]") {
  // Reference: ±1 uniform noise for 20 s at RT60 8 s (the most energy the tank can hold):
  // every sample finite, and |out| below 40 (≈ +32 dBFS, far above the ≈ +5 dB RMS gain).
  for (ReverbType type : kTypes) {
    Reverb rv = makeReverb(type, 8.0, 0.0, 20000.0, 20.0);
    const Stereo out = run(rv, noise(static_cast<size_t>(20 * kFs), 1.0, 77), 480);
    double peak = 0.0;
    bool finite = true;
    for (size_t i = 0; i < out.l.size(); ++i) {
      finite = finite && std::isfinite(out.l[i]) && std::isfinite(out.r[i]);
      peak = std::max({peak, std::fabs(out.l[i]), std::fabs(out.r[i])});
    }
    INFO(nameOf(type) << " peak " << peak);
    CHECK(finite);
    CHECK(peak < 40.0);
  }
}

TEST_CASE("Reverb: left and right tails are decorrelated", "[reverb]") {
  // Reference: correlation coefficient of L and R over the tail (50 ms … 1 s after a 100 ms
  // noise burst, and after an impulse); |ρ| < 0.5.
  for (ReverbType type : kTypes) {
    for (bool impulse : {true, false}) {
      Reverb rv = makeReverb(type, 2.0, 0.0, 8000.0, 100.0);
      std::vector<double> in(static_cast<size_t>(1.2 * kFs), 0.0);
      size_t start = 0;
      if (impulse) {
        in[0] = 1.0;
      } else {
        const std::vector<double> n = noise(static_cast<size_t>(0.1 * kFs), 0.5);
        std::copy(n.begin(), n.end(), in.begin());
        start = n.size();
      }
      const Stereo out = run(rv, in, 480);
      const double rho = correlation(out.l, out.r, start + static_cast<size_t>(0.05 * kFs),
                                     start + static_cast<size_t>(1.0 * kFs));
      INFO(nameOf(type) << (impulse ? " impulse" : " burst") << ": correlation " << rho);
      CHECK(std::fabs(rho) < 0.5);
    }
  }
}

TEST_CASE("Reverb: output is bit-identical for any block split", "[reverb]") {
  // Reference: the whole signal processed in one call; blocks 1, 7, 128, 480, 4096 must match
  // bit for bit, including a type crossfade, a queued second type change, and glides.
  const std::vector<double> in = noise(static_cast<size_t>(2.5 * kFs), 0.7, 99);
  const size_t change1 = static_cast<size_t>(0.9 * kFs);
  const size_t change2 = static_cast<size_t>(1.0 * kFs);  // during the 0.3 s crossfade
  auto render = [&](int block) {
    Reverb rv = makeReverb(ReverbType::Plate, 2.5, 25.0, 9000.0, 120.0);
    Stereo out{std::vector<double>(in.size()), std::vector<double>(in.size())};
    auto span = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; i += block) {
        const int n = static_cast<int>(std::min<size_t>(block, to - i));
        rv.process(in.data() + i, out.l.data() + i, out.r.data() + i, n);
      }
    };
    span(0, change1);
    rv.setType(ReverbType::Hall);
    rv.setDecay(Seconds{4.0});
    rv.setPreDelay(Milliseconds{60.3});
    span(change1, change2);
    rv.setType(ReverbType::Room);
    rv.setDamping(Hz{3000});
    rv.setHighPass(Hz{400});
    span(change2, in.size());
    return out;
  };
  const Stereo reference = render(static_cast<int>(in.size()));
  for (int block : {1, 7, 128, 480, 4096}) {
    const Stereo out = render(block);
    INFO("block " << block);
    CHECK(std::memcmp(out.l.data(), reference.l.data(), in.size() * sizeof(double)) == 0);
    CHECK(std::memcmp(out.r.data(), reference.r.data(), in.size() * sizeof(double)) == 0);
  }
}

TEST_CASE("Reverb: type, decay and pre-delay changes do not click", "[reverb]") {
  // Reference: the reverb is linear, so a 330 Hz sine in gives (steady or slowly gliding)
  // narrow-band output; a click is broadband. The output high-passed at 4 kHz (4th order) in the
  // second after a change must stay below 1 % (−40 dB) of the steady wet peak. Positive control:
  // a hard cut (reset() mid-stream) must fail that same limit.
  enum class Change { Type, TypeTwice, Decay, PreDelay, HardCut };
  for (Change change :
       {Change::Type, Change::TypeTwice, Change::Decay, Change::PreDelay, Change::HardCut}) {
    Reverb rv = makeReverb(ReverbType::Room, 1.0, 10.0, 8000.0, 100.0);
    std::vector<double> in(static_cast<size_t>(5 * kFs));
    for (size_t i = 0; i < in.size(); ++i)
      in[i] = 0.3 * dmath::sin(dmath::kTwoPi * 330.0 * static_cast<double>(i) / kFs);
    const size_t at = static_cast<size_t>(3 * kFs);
    Stereo out{std::vector<double>(in.size()), std::vector<double>(in.size())};
    rv.process(in.data(), out.l.data(), out.r.data(), static_cast<int>(at));
    if (change == Change::Type) rv.setType(ReverbType::Hall);
    if (change == Change::TypeTwice) {
      rv.setType(ReverbType::Plate);
      rv.setType(ReverbType::Hall);  // arrives while the first crossfade has not begun to run
    }
    if (change == Change::Decay) rv.setDecay(Seconds{0.3});
    if (change == Change::PreDelay) rv.setPreDelay(Milliseconds{14});
    if (change == Change::HardCut) rv.reset();
    rv.process(in.data() + at, out.l.data() + at, out.r.data() + at,
               static_cast<int>(in.size() - at));

    const auto hp = BiquadCoefficients::design(FilterType::HighPass, kFs, 4000.0,
                                               0.7071067811865476, 0);
    Biquad a, b, c, d;
    for (Biquad* f : {&a, &b, &c, &d}) f->setCoefficients(hp);
    double steady = 0.0, click = 0.0;
    for (size_t i = 0; i < in.size(); ++i) {
      const double hl = b.process(a.process(out.l[i])), hr = d.process(c.process(out.r[i]));
      if (i >= at - static_cast<size_t>(kFs) && i < at)
        steady = std::max({steady, std::fabs(out.l[i]), std::fabs(out.r[i])});
      if (i >= at && i < at + static_cast<size_t>(kFs))
        click = std::max({click, std::fabs(hl), std::fabs(hr)});
    }
    INFO("change " << static_cast<int>(change) << ": steady peak " << steady
                   << ", high-passed peak after the change " << click);
    if (change == Change::HardCut) {
      CHECK(click > 0.01 * steady);
    } else {
      CHECK(click <= 0.01 * steady);
    }
  }
}
