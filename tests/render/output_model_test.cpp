// OutputModel: its loudness is BS.1770's (IntegratedLoudness is the reference, itself checked
// against libebur128 in the analysis tests); its predictions are the exact gain law where the
// limiter is idle, and close to the exact output stage (OutputStage + IntegratedLoudness over
// its output) where the limiter works.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "analysis/integrated_loudness.h"
#include "dsp/dmath.h"
#include "engine/output_stage.h"
#include "render/output_model.h"
#include "support/test_vocal.h"

using namespace vocalmix;
using render::OutputModel;

namespace {

struct Planar {
  int rate = 0;
  std::vector<float> left, right;
};

// Recorded speech (the test vocal) as planar stereo.
Planar speech(int rate, double seconds) {
  testing::TestVocalOptions o;
  o.sampleRate = rate;
  o.seconds = seconds;
  const testing::TestVocal v = testing::makeTestVocal(o);
  Planar p;
  p.rate = rate;
  for (size_t i = 0; i + 1 < v.samples.size(); i += 2) {
    p.left.push_back(v.samples[i]);
    p.right.push_back(v.samples[i + 1]);
  }
  return p;
}

// Fed in uneven blocks, as the mix feeds it.
OutputModel modelOf(const Planar& p) {
  OutputModel m(p.rate, static_cast<int64_t>(p.left.size()));
  const int blocks[] = {4096, 1, 333, 4800, 17};
  size_t done = 0;
  for (int k = 0; done < p.left.size(); ++k) {
    const int n = static_cast<int>(std::min<size_t>(blocks[k % 5], p.left.size() - done));
    m.add(p.left.data() + done, p.right.data() + done, n);
    done += n;
  }
  return m;
}

// The exact output stage at gainDb, latency-compensated, measured.
double exactLufs(const Planar& p, double gainDb, double ceilingDbtp) {
  OutputStage stage;
  stage.prepare(p.rate, 4096);
  stage.setCeilingDbtp(ceilingDbtp);
  stage.setGainDb(gainDb);
  stage.reset();
  const int latency = stage.latency();
  const size_t total = p.left.size();
  std::vector<double> l(total + latency, 0.0), r(total + latency, 0.0);
  std::copy(p.left.begin(), p.left.end(), l.begin());
  std::copy(p.right.begin(), p.right.end(), r.begin());
  for (size_t done = 0; done < l.size(); done += 4096) {
    const int n = static_cast<int>(std::min<size_t>(4096, l.size() - done));
    stage.process(l.data() + done, r.data() + done, n);
  }
  std::vector<float> outL(total), outR(total);
  for (size_t i = 0; i < total; ++i) {
    outL[i] = static_cast<float>(l[i + latency]);
    outR[i] = static_cast<float>(r[i + latency]);
  }
  analysis::IntegratedLoudness meter(p.rate, 2);
  meter.addStereo(outL.data(), outR.data(), static_cast<int>(total));
  return meter.lufs();
}

}  // namespace

TEST_CASE("the model's loudness is BS.1770's, at rates whose groups do and do not tile a sub-block",
          "[render][model]") {
  REQUIRE(testing::speechAvailable());
  for (int rate : {48000, 44100, 22050}) {
    INFO("rate " << rate);
    const Planar p = speech(rate, 12.0);
    analysis::IntegratedLoudness meter(rate, 2);
    meter.addStereo(p.left.data(), p.right.data(), static_cast<int>(p.left.size()));
    CHECK(modelOf(p).lufs() == Approx(meter.lufs()).margin(1e-9));
  }
}

TEST_CASE("where the limiter stays idle the prediction is the gain law", "[render][model]") {
  REQUIRE(testing::speechAvailable());
  const Planar p = speech(48000, 12.0);
  const OutputModel m = modelOf(p);
  // The raw take peaks well under 0 dBFS: 6 dB down it cannot reach a -1 dBTP ceiling.
  for (double gainDb : {-6.0, -12.5, -20.0}) {
    INFO("gain " << gainDb);
    CHECK(m.predictLufs(gainDb, -1.3) == Approx(m.lufs() + gainDb).margin(1e-6));
    CHECK(exactLufs(p, gainDb, -1.0) == Approx(m.lufs() + gainDb).margin(1e-6));
  }
}

TEST_CASE("the prediction follows the exact output stage as the limiter works harder",
          "[render][model]") {
  REQUIRE(testing::speechAvailable());
  for (int rate : {48000, 44100}) {
    const Planar p = speech(rate, 20.0);
    const OutputModel m = modelOf(p);
    const double limiterCeiling = -1.0 - OutputStage::kTruePeakMarginDb;
    double previous = -1e9;
    for (double extraDb : {2.0, 5.0, 8.0, 11.0}) {  // up to ~4 LU of limiting on raw speech
      const double gainDb = -14.0 - m.lufs() + extraDb;
      const double exact = exactLufs(p, gainDb, -1.0);
      const double predicted = m.predictLufs(gainDb, limiterCeiling);
      INFO("rate " << rate << ", gain " << gainDb << " dB: exact " << exact << " LUFS, predicted "
                   << predicted << ", limiter took " << m.lufs() + gainDb - exact << " LU");
      CHECK(predicted == Approx(exact).margin(0.05));
      CHECK(predicted > previous);  // rises with the gain
      previous = predicted;
    }
  }
}

TEST_CASE("gainFor picks the grid gain nearest the target, or the bound when out of reach",
          "[render][model]") {
  REQUIRE(testing::speechAvailable());
  const Planar p = speech(48000, 12.0);
  const OutputModel m = modelOf(p);
  const double ceiling = -1.3;
  const double linear = -14.0 - m.lufs();
  const double g = m.gainFor(-14.0, ceiling, linear, linear + 6.0);
  CHECK(g == Approx(std::floor(g * 1000.0 + 0.5) / 1000.0).margin(1e-12));  // on the grid
  const double at = m.predictLufs(g, ceiling) + 14.0;
  CHECK(std::fabs(at) <= std::fabs(m.predictLufs(g - 0.001, ceiling) + 14.0));
  CHECK(std::fabs(at) <= std::fabs(m.predictLufs(g + 0.001, ceiling) + 14.0));
  CHECK(std::fabs(at) < 0.002);
  // Where the limiter barely works the answer follows the gain law to the grid step.
  const double quiet = m.gainFor(-31.0, ceiling, -30.0 - m.lufs() - 6.0, -30.0 - m.lufs() + 6.0);
  CHECK(quiet == Approx(-31.0 - m.lufs()).margin(0.0011));
  // Out of reach: the upper bound.
  CHECK(m.gainFor(0.0, ceiling, linear, linear + 6.0) == Approx(std::floor((linear + 6.0) * 1000.0 + 0.5) / 1000.0));
}
