// Settled fast paths of the DeEsser and the TempoDelay against per-sample scalar models of their
// documented arithmetic, bit for bit. The fast paths reorder work (the DeEsser turns its listed
// samples down after the run's recurrences, two at a time with logPair/expPairInRange, and skips
// the log where the cut is surely the whole range; the TempoDelay reads a whole-sample delay as
// a plain load, checking the frames are finite), so the references here are the plain
// sample-by-sample forms, run at block sizes that cut the runs in different places. Non-finite
// input (the TempoDelay's redo of a run) is checked against the same input in other block sizes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "dsp/biquad.h"
#include "dsp/de_esser.h"
#include "dsp/dmath.h"
#include "dsp/tempo_delay.h"
#include "dsp/de_esser_model.h"
#include "dsp/tempo_delay_setup.h"
#include "dsp/test_signals.h"

using namespace vocalmix;
using namespace vocalmix::test;

namespace {

// Noise whose level steps through quiet, moderate and loud sections (and a stretch of exact
// zeros), so the de-esser's envelope crosses its threshold and its range in both directions.
std::vector<double> steppedNoise(size_t n, uint32_t seed) {
  std::vector<double> x = uniformNoise(n, 1.0, seed);
  const double levelsDb[] = {-60, -20, 0, -35, 6, -10, -200, -3};
  const size_t section = n / 8;
  for (size_t i = 0; i < n; ++i) {
    const size_t s = std::min<size_t>(i / section, 7);
    x[i] = s == 6 ? 0.0 : x[i] * std::pow(10.0, levelsDb[s] / 20);
  }
  return x;
}

// The TempoDelay's settled per-sample form, one scalar line per side: Catmull-Rom read (weights
// as ReadHead::set computes them, summed newest first), the cross-fed hops through a high-pass
// and a low-pass (Butterworth Q), the 1e-20 floor on what re-enters the lines, and the output
// mix y + spread·(other side).
struct DelayModel {
  double bpm;
  NoteValue note;
  double feedback, hp, lp;
  bool pingPong;

  void run(const std::vector<double>& in, std::vector<double>& outL, std::vector<double>& outR) const {
    const double delay = std::max(TempoDelay::noteSeconds(bpm, note) * kFs, 2.0);
    const auto whole = static_cast<long>(delay);
    const double t = delay - static_cast<double>(whole), t2 = t * t, t3 = t2 * t;
    const double w0 = -0.5 * t + t2 - 0.5 * t3, w1 = 1.0 - 2.5 * t2 + 1.5 * t3;
    const double w2 = 0.5 * t + 2.0 * t2 - 1.5 * t3, w3 = -0.5 * t2 + 0.5 * t3;
    constexpr double kQ = 0.70710678118654752440;
    Biquad hpL, hpR, lpL, lpR;
    for (Biquad* b : {&hpL, &hpR}) b->setCoefficients(BiquadCoefficients::design(FilterType::HighPass, kFs, hp, kQ, 0));
    for (Biquad* b : {&lpL, &lpR}) b->setCoefficients(BiquadCoefficients::design(FilterType::LowPass, kFs, lp, kQ, 0));
    const double spread = pingPong ? 0.0 : 1.0;
    std::vector<double> lineL(in.size(), 0.0), lineR(in.size(), 0.0);
    const auto at = [](const std::vector<double>& line, long i) { return i < 0 ? 0.0 : line[static_cast<size_t>(i)]; };
    const auto floor = [](double v) { return std::fabs(v) < 1e-20 ? 0.0 : v; };
    outL.assign(in.size(), 0.0);
    outR.assign(in.size(), 0.0);
    for (long i = 0; i < static_cast<long>(in.size()); ++i) {
      const long base = i - whole;
      const double yL = w0 * at(lineL, base + 1) + w1 * at(lineL, base) + w2 * at(lineL, base - 1) +
                        w3 * at(lineL, base - 2);
      const double yR = w0 * at(lineR, base + 1) + w1 * at(lineR, base) + w2 * at(lineR, base - 1) +
                        w3 * at(lineR, base - 2);
      const double hopL = lpL.process(hpL.process(feedback * yR));
      const double hopR = lpR.process(hpR.process(feedback * yL));
      lineL[static_cast<size_t>(i)] = floor(in[static_cast<size_t>(i)] + hopL);
      lineR[static_cast<size_t>(i)] = floor(0.0 + hopR);
      outL[static_cast<size_t>(i)] = yL + spread * yR;
      outR[static_cast<size_t>(i)] = yR + spread * yL;
    }
  }

  void process(const std::vector<double>& in, int block, std::vector<double>& outL,
               std::vector<double>& outR) const {
    TempoDelay d = makeDelay(bpm, note, feedback, hp, lp, pingPong);
    outL.assign(in.size(), 0.0);
    outR.assign(in.size(), 0.0);
    for (size_t i = 0; i < in.size(); i += static_cast<size_t>(block)) {
      const int n = static_cast<int>(std::min<size_t>(static_cast<size_t>(block), in.size() - i));
      d.process(in.data() + i, outL.data() + i, outR.data() + i, n);
    }
  }
};

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("DeEsser at rest equals its per-sample form bit for bit over thresholds and ranges",
          "[deesser]") {
  // Reference: deEsserModel above. Ranges 0 (never cuts), 3 (mostly at the range: the no-log
  // path) and 24 (mostly partial cuts: the two-lane path), thresholds low and high.
  const std::vector<double> x = steppedNoise(static_cast<size_t>(2 * kFs), 4242);
  for (double f : {4500.0, 9000.0}) {
    for (double thresholdDb : {-45.0, -20.0}) {
      for (double rangeDb : {0.0, 3.0, 24.0}) {
        const std::vector<double> ref = deEsserModel(x, f, thresholdDb, rangeDb);
        for (int block : {1, 2, 3, 63, 64, 65, 480, 4096}) {
          DeEsser d;
          d.setFrequency(Hz{f});
          d.setThreshold(Decibels{thresholdDb});
          d.setRange(Decibels{rangeDb});
          d.prepare(kFs, 4096);
          std::vector<double> y = x;
          double lastCut = -1.0;
          for (size_t i = 0; i < y.size(); i += static_cast<size_t>(block)) {
            d.process(y.data() + i, static_cast<int>(std::min<size_t>(static_cast<size_t>(block), y.size() - i)));
            lastCut = d.gainReductionDb();
          }
          INFO("f " << f << " threshold " << thresholdDb << " range " << rangeDb << " block " << block);
          CHECK(sameBits(y, ref));
          CHECK(lastCut >= 0.0);
          CHECK(lastCut <= rangeDb);
        }
      }
    }
  }
}

TEST_CASE("TempoDelay at rest equals its per-sample form bit for bit, whole and fractional delays",
          "[delay]") {
  // Reference: DelayModel::run. 120 BPM at 48 kHz gives whole-sample delays (the plain-load
  // read), 97 BPM fractional ones; ping-pong off and on (the two output mixes).
  std::vector<double> in = uniformNoise(static_cast<size_t>(3 * kFs), 0.5, 777);
  std::fill(in.begin() + static_cast<long>(kFs), in.begin() + static_cast<long>(1.5 * kFs), 0.0);
  const DelayModel cases[] = {
      {120, NoteValue::Eighth, 0.6, 150, 6000, false},
      {120, NoteValue::Sixteenth, 0.9, 20, 20000, true},
      {97, NoteValue::DottedEighth, 0.6, 150, 6000, false},
      {97, NoteValue::TripletEighth, 0.5, 400, 3000, true},
  };
  for (const DelayModel& m : cases) {
    std::vector<double> refL, refR, l, r;
    m.run(in, refL, refR);
    for (int block : {1, 5, 256, 4096}) {
      m.process(in, block, l, r);
      INFO("bpm " << m.bpm << " ping-pong " << m.pingPong << " block " << block);
      CHECK(sameBits(l, refL));
      CHECK(sameBits(r, refR));
    }
  }
}

TEST_CASE("TempoDelay at a whole-sample delay: non-finite input gives the same bits in any block split",
          "[delay]") {
  // Reference: the whole signal in one call. An Inf and a NaN enter the lines, so runs whose
  // frames are not all finite are redone with the general read; every split must agree.
  std::vector<double> in = uniformNoise(static_cast<size_t>(kFs), 0.5, 31);
  in[9000] = std::numeric_limits<double>::infinity();
  in[30000] = std::numeric_limits<double>::quiet_NaN();
  for (bool pingPong : {false, true}) {
    const DelayModel m{120, NoteValue::Sixteenth, 0.7, 100, 8000, pingPong};
    std::vector<double> refL, refR, l, r;
    m.process(in, static_cast<int>(in.size()), refL, refR);
    for (int block : {1, 7, 256, 4096}) {
      m.process(in, block, l, r);
      INFO("ping-pong " << pingPong << " block " << block);
      CHECK(sameBits(l, refL));
      CHECK(sameBits(r, refR));
    }
  }
}

TEST_CASE("Settled paths stay exact while their filters ring down through the 1e-30 flush",
          "[deesser][delay]") {
  // Reference: the per-sample models above. A loud second followed by long exact silence, so
  // the filters' states decay through the 1e-30 flush threshold (the settled loops run the
  // recurrences unflushed and redo a run exactly when the flush would have changed a value).
  std::vector<double> in = uniformNoise(static_cast<size_t>(kFs), 0.5, 2024);
  in.resize(static_cast<size_t>(9 * kFs), 0.0);
  {
    const std::vector<double> ref = deEsserModel(in, 6500, -40, 12);
    for (int block : {1, 64, 4096}) {
      DeEsser d;
      d.setFrequency(Hz{6500});
      d.setThreshold(Decibels{-40});
      d.setRange(Decibels{12});
      d.prepare(kFs, 4096);
      std::vector<double> y = in;
      for (size_t i = 0; i < y.size(); i += static_cast<size_t>(block))
        d.process(y.data() + i, static_cast<int>(std::min<size_t>(static_cast<size_t>(block), y.size() - i)));
      INFO("de-esser block " << block);
      CHECK(sameBits(y, ref));
    }
  }
  for (const DelayModel& m : {DelayModel{120, NoteValue::Sixteenth, 0.6, 150, 6000, false},
                              DelayModel{97, NoteValue::Sixteenth, 0.6, 150, 6000, true}}) {
    std::vector<double> refL, refR, l, r;
    m.run(in, refL, refR);
    for (int block : {1, 256, 4096}) {
      m.process(in, block, l, r);
      INFO("delay bpm " << m.bpm << " block " << block);
      CHECK(sameBits(l, refL));
      CHECK(sameBits(r, refR));
    }
  }
}
