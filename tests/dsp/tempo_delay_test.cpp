// TempoDelay: echo timing against the note arithmetic, repeat gain against the feedback amount
// times the analytic RBJ magnitude of the loop filters, ping-pong routing, exact silence, and
// block-size invariance.
#include "dsp/tempo_delay.h"

#include <catch2/catch.hpp>

#include "dsp/tempo_delay_setup.h"
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

std::vector<double> noise(size_t n, double amplitude, uint32_t seed = 12345) {
  return uniformNoise(n, amplitude, seed);
}
template <typename Effect>
Stereo run(Effect& fx, const std::vector<double>& in, int block) {
  return runSend(fx, in, block);
}


// |DFT| at one frequency over [begin, end): enough to compare echoes at a frequency where the
// loop filters have a known analytic gain.
double magnitudeAt(const std::vector<double>& x, size_t begin, size_t end, double hz) {
  double re = 0.0, im = 0.0;
  for (size_t i = begin; i < end; ++i) {
    const double w = dmath::kTwoPi * hz * static_cast<double>(i) / kFs;
    re += x[i] * dmath::cos(w);
    im -= x[i] * dmath::sin(w);
  }
  return std::sqrt(re * re + im * im);
}

double energy(const std::vector<double>& x, size_t begin, size_t end) {
  double e = 0.0;
  for (size_t i = begin; i < end && i < x.size(); ++i) e += x[i] * x[i];
  return e;
}

}  // namespace

TEST_CASE("TempoDelay::noteSeconds follows the note arithmetic", "[delay]") {
  // Reference: quarter = 60/bpm; dotted ×1.5; triplet ×2/3 (exact to rounding, 1e-12 s).
  CHECK(TempoDelay::noteSeconds(120, NoteValue::Quarter) == Approx(0.5).margin(1e-12));
  CHECK(TempoDelay::noteSeconds(120, NoteValue::Eighth) == Approx(0.25).margin(1e-12));
  CHECK(TempoDelay::noteSeconds(120, NoteValue::Sixteenth) == Approx(0.125).margin(1e-12));
  CHECK(TempoDelay::noteSeconds(120, NoteValue::DottedQuarter) == Approx(0.75).margin(1e-12));
  CHECK(TempoDelay::noteSeconds(120, NoteValue::DottedEighth) == Approx(0.375).margin(1e-12));
  CHECK(TempoDelay::noteSeconds(90, NoteValue::TripletQuarter) ==
        Approx(60.0 / 90.0 * 2.0 / 3.0).margin(1e-12));
  CHECK(TempoDelay::noteSeconds(90, NoteValue::TripletEighth) ==
        Approx(60.0 / 90.0 / 3.0).margin(1e-12));
  CHECK(TempoDelay::noteSeconds(40, NoteValue::DottedQuarter) == Approx(2.25).margin(1e-12));
}

TEST_CASE("TempoDelay: first echo lands at the note length", "[delay]") {
  // Reference: noteSeconds(bpm, note)·fs; tolerance ±1 sample (fractional delays are read by a
  // cubic, whose peak is at the nearest whole sample).
  struct Case {
    double bpm;
    NoteValue note;
  };
  const Case cases[] = {{120, NoteValue::Quarter},        {97, NoteValue::DottedEighth},
                        {140, NoteValue::TripletEighth},  {40, NoteValue::DottedQuarter},
                        {240, NoteValue::Sixteenth},      {75.3, NoteValue::TripletQuarter},
                        {173, NoteValue::Eighth}};
  for (const Case& c : cases) {
    TempoDelay d = makeDelay(c.bpm, c.note, 0.5);
    const double expected = TempoDelay::noteSeconds(c.bpm, c.note) * kFs;
    std::vector<double> in(static_cast<size_t>(expected * 1.5) + 8, 0.0);
    in[0] = 1.0;
    const Stereo out = run(d, in, 480);
    size_t peak = 0;
    for (size_t i = 0; i < out.l.size(); ++i)
      if (std::fabs(out.l[i]) > std::fabs(out.l[peak])) peak = i;
    INFO("bpm " << c.bpm << " note " << static_cast<int>(c.note) << " expected " << expected);
    CHECK(std::fabs(static_cast<double>(peak) - expected) <= 1.0);
    // Nothing before the echo: the wet carries no dry signal.
    for (size_t i = 0; i + 3 < static_cast<size_t>(expected); ++i) REQUIRE(out.l[i] == 0.0);
  }
}

TEST_CASE("TempoDelay: each repeat is scaled by feedback times the loop filters", "[delay]") {
  // Reference: echo(k+1)/echo(k) at 1 kHz = fb·|H_hp(1k)|·|H_lp(1k)| (RBJ Butterworth
  // magnitudes from BiquadCoefficients::magnitudeDb); tolerance ±0.5 dB.
  struct Case {
    double bpm;
    NoteValue note;
    double feedback, hp, lp;
  };
  const Case cases[] = {{120, NoteValue::Quarter, 0.5, 20, 20000},     // whole-sample delay
                        {97, NoteValue::DottedEighth, 0.8, 20, 20000}, // fractional delay
                        {133, NoteValue::Eighth, 0.7, 600, 1500}};     // filters biting
  for (const Case& c : cases) {
    TempoDelay d = makeDelay(c.bpm, c.note, c.feedback, c.hp, c.lp);
    const double period = TempoDelay::noteSeconds(c.bpm, c.note) * kFs;
    const int echoes = 5;
    std::vector<double> in(static_cast<size_t>(period * (echoes + 1)), 0.0);
    in[0] = 1.0;
    const Stereo out = run(d, in, 480);

    constexpr double kQ = 0.7071067811865476;  // the delay's Butterworth sections
    const auto hp = BiquadCoefficients::design(FilterType::HighPass, kFs, c.hp, kQ, 0);
    const auto lp = BiquadCoefficients::design(FilterType::LowPass, kFs, c.lp, kQ, 0);
    const double expectedDb = 20.0 * std::log10(c.feedback) + hp.magnitudeDb(kFs, 1000.0) +
                              lp.magnitudeDb(kFs, 1000.0);
    double previous = 0.0;
    for (int k = 1; k <= echoes; ++k) {
      const auto begin = static_cast<size_t>(k * period - period / 2);
      const auto end = static_cast<size_t>(k * period + period / 2);
      const double m = magnitudeAt(out.l, begin, end, 1000.0);
      if (k > 1) {
        INFO("bpm " << c.bpm << " echo " << k << " expected " << expectedDb << " dB");
        CHECK(20.0 * std::log10(m / previous) == Approx(expectedDb).margin(0.5));
      }
      previous = m;
    }
  }
}

TEST_CASE("TempoDelay: ping-pong alternates the repeats between the sides", "[delay]") {
  // Reference: with ping-pong on, echo 1, 3, 5 … are in L only and 2, 4, 6 … in R only
  // (the other side at least 60 dB down, in practice exactly silent).
  TempoDelay d = makeDelay(120, NoteValue::Eighth, 0.7, 20, 20000, true);
  const double period = TempoDelay::noteSeconds(120, NoteValue::Eighth) * kFs;
  std::vector<double> in(static_cast<size_t>(period * 7), 0.0);
  in[0] = 1.0;
  const Stereo out = run(d, in, 128);
  for (int k = 1; k <= 6; ++k) {
    const auto begin = static_cast<size_t>(k * period - period / 2);
    const auto end = static_cast<size_t>(k * period + period / 2);
    const double eL = energy(out.l, begin, end), eR = energy(out.r, begin, end);
    INFO("echo " << k << " L " << eL << " R " << eR);
    if (k % 2 == 1) {
      CHECK(eL > 1e-3);
      CHECK(eR <= 1e-6 * eL);
    } else {
      CHECK(eR > 1e-3);
      CHECK(eL <= 1e-6 * eR);
    }
  }
}

TEST_CASE("TempoDelay: ping-pong off gives bit-identical sides, even across setting changes", "[delay]") {
  // Reference: L and R compared bit for bit (the centre must stay exactly centred).
  TempoDelay d = makeDelay(110, NoteValue::DottedEighth, 0.6, 150, 6000);
  const std::vector<double> in = noise(static_cast<size_t>(4 * kFs), 0.5);
  std::vector<double> l(in.size()), r(in.size());
  const size_t quarter = in.size() / 4;
  d.process(in.data(), l.data(), r.data(), static_cast<int>(quarter));
  d.setBpm(87);
  d.setFeedback(0.9);
  d.setLowPass(Hz{3000});
  d.process(in.data() + quarter, l.data() + quarter, r.data() + quarter,
            static_cast<int>(quarter));
  d.setNote(NoteValue::TripletQuarter);
  d.setHighPass(Hz{400});
  d.process(in.data() + 2 * quarter, l.data() + 2 * quarter, r.data() + 2 * quarter,
            static_cast<int>(in.size() - 2 * quarter));
  CHECK(std::memcmp(l.data(), r.data(), l.size() * sizeof(double)) == 0);

  // After ping-pong was on and is switched off again, the sides are identical once the 50 ms
  // switch glide has passed.
  TempoDelay p = makeDelay(120, NoteValue::Eighth, 0.8, 20, 20000, true);
  Stereo first = run(p, noise(static_cast<size_t>(kFs), 0.5, 7), 480);
  p.setPingPong(false);
  Stereo second = run(p, noise(static_cast<size_t>(kFs), 0.5, 8), 480);
  const size_t settled = static_cast<size_t>(0.05 * kFs) + 1;
  CHECK(std::memcmp(second.l.data() + settled, second.r.data() + settled,
                    (second.l.size() - settled) * sizeof(double)) == 0);
  CHECK(std::memcmp(first.l.data(), first.r.data(), first.l.size() * sizeof(double)) != 0);
}

TEST_CASE("TempoDelay: echo tail ends in exact digital zeros within a bounded time", "[delay]") {
  // Reference: the loop is flushed below 1e-30, so after the input stops the output is exactly
  // 0 no later than the k repeats that fb^k needs to bring the loudest echo so far down to
  // 1e-30, plus two repeats for the filters' own ring-out. (Worst case at fb 0.95 and 2.25 s:
  // ~1400 repeats ≈ 53 min — that long tail is what 0.95 feedback asks for.)
  struct Case {
    double bpm;
    NoteValue note;
    double feedback, hp, lp;
  };
  const Case cases[] = {{120, NoteValue::Quarter, 0.6, 120, 8000},
                        {240, NoteValue::Sixteenth, 0.95, 20, 20000},  // maximum feedback
                        {95, NoteValue::TripletEighth, 0.8, 300, 4000}};
  for (const Case& c : cases) {
    TempoDelay d = makeDelay(c.bpm, c.note, c.feedback, c.hp, c.lp, true);
    const double period = TempoDelay::noteSeconds(c.bpm, c.note) * kFs;
    const auto burst = static_cast<size_t>(kFs);
    std::vector<double> in(burst + static_cast<size_t>(120 * kFs), 0.0);
    const std::vector<double> n = noise(burst, 1.0);
    std::copy(n.begin(), n.end(), in.begin());
    const Stereo out = run(d, in, 4096);
    double peak = 0.0;
    for (size_t i = 0; i < burst + static_cast<size_t>(period) + 4; ++i)
      peak = std::max({peak, std::fabs(out.l[i]), std::fabs(out.r[i])});
    const double repeats = std::ceil(std::log(1e-30 / peak) / std::log(c.feedback)) + 2.0;
    const auto bound = burst + static_cast<size_t>((repeats + 1.0) * period);
    REQUIRE(bound < out.l.size());
    size_t lastNonZero = 0;
    for (size_t i = 0; i < out.l.size(); ++i)
      if (out.l[i] != 0.0 || out.r[i] != 0.0) lastNonZero = i;
    INFO("fb " << c.feedback << ": peak " << peak << ", last non-zero at " << lastNonZero / kFs
               << " s, bound " << bound / kFs << " s");
    CHECK(lastNonZero < bound);
    CHECK(lastNonZero > burst);  // there was a tail at all
  }
}

TEST_CASE("TempoDelay: silence in gives exact zeros out", "[delay]") {
  // Reference: digital silence; every output sample must be exactly 0, through setting changes.
  TempoDelay d = makeDelay(100, NoteValue::DottedQuarter, 0.95, 80, 12000, true);
  const std::vector<double> in(static_cast<size_t>(kFs), 0.0);
  Stereo a = run(d, in, 333);
  d.setBpm(180);
  d.setNote(NoteValue::Sixteenth);
  d.setPingPong(false);
  d.setLowPass(Hz{2000});
  Stereo b = run(d, in, 64);
  for (const std::vector<double>* v : {&a.l, &a.r, &b.l, &b.r})
    for (double x : *v) REQUIRE(x == 0.0);
}

TEST_CASE("TempoDelay: output is bit-identical for any block split", "[delay]") {
  // Reference: the whole signal processed in one call; blocks 1, 7, 128, 480, 4096 must match
  // bit for bit, including glides started by setters between two blocks.
  const std::vector<double> in = noise(static_cast<size_t>(3 * kFs), 0.7, 99);
  const size_t change = static_cast<size_t>(1.3 * kFs);
  auto render = [&](int block) {
    TempoDelay d = makeDelay(128, NoteValue::DottedEighth, 0.75, 100, 7000, true);
    Stereo out{std::vector<double>(in.size()), std::vector<double>(in.size())};
    auto span = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; i += block) {
        const int n = static_cast<int>(std::min<size_t>(block, to - i));
        d.process(in.data() + i, out.l.data() + i, out.r.data() + i, n);
      }
    };
    span(0, change);
    d.setBpm(91);
    d.setNote(NoteValue::TripletQuarter);
    d.setFeedback(0.4);
    d.setHighPass(Hz{250});
    d.setLowPass(Hz{2500});
    d.setPingPong(false);
    span(change, in.size());
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

TEST_CASE("TempoDelay: tempo and note changes glide without clicks", "[delay]") {
  // Reference: a 220 Hz sine's echoes; a hard jump of the read position would step the output
  // by up to twice its amplitude (≈ 30× the steady sample-to-sample change). The largest change
  // while the delay time glides must stay within 2× the steady-state largest change (the glide
  // bends the pitch by 1 − Δdelay/0.25 s: ×−0.5 and ×1.2 for the two cases here).
  struct Case {
    double bpm;
    NoteValue note;
  };
  for (const Case c : {Case{96, NoteValue::Quarter}, Case{150, NoteValue::Eighth}}) {
    TempoDelay d = makeDelay(120, NoteValue::Eighth, 0.5, 20, 20000);
    std::vector<double> in(static_cast<size_t>(4 * kFs));
    for (size_t i = 0; i < in.size(); ++i)
      in[i] = 0.5 * dmath::sin(dmath::kTwoPi * 220.0 * static_cast<double>(i) / kFs);
    const size_t change = static_cast<size_t>(2 * kFs);
    std::vector<double> l(in.size()), r(in.size());
    d.process(in.data(), l.data(), r.data(), static_cast<int>(change));
    d.setBpm(c.bpm);
    d.setNote(c.note);
    d.process(in.data() + change, l.data() + change, r.data() + change,
              static_cast<int>(in.size() - change));
    auto maxStep = [&](size_t from, size_t to) {
      double m = 0.0;
      for (size_t i = from + 1; i < to; ++i) m = std::max(m, std::fabs(l[i] - l[i - 1]));
      return m;
    };
    const double steady = maxStep(change - static_cast<size_t>(kFs), change);
    const double gliding = maxStep(change, change + static_cast<size_t>(0.5 * kFs));
    INFO("to " << c.bpm << " BPM: steady " << steady << " gliding " << gliding);
    CHECK(gliding <= 2.0 * steady);
  }
}
