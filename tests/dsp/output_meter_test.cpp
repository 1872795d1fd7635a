// OutputMeter against EBU Tech 3341 reference signals (generated here): a 1 kHz stereo sine at
// -23 dBFS reads -23.0 LUFS short-term (±0.1 LU), -33 dBFS reads -33.0; and true peak of a
// sine at fs/4 with a 45° phase, whose samples sit 3 dB under its true peak, reads within
// +0.2/-0.4 dB of it (the Tech 3341 true-peak tolerance).
#include <catch2/catch.hpp>

#include "dsp/output_meter.h"
#include "dsp/test_signals.h"

using namespace vocalmix;
using namespace vocalmix::test;

namespace {
double shortTermOfSine(double fs, double peakDb, double seconds) {
  OutputMeter m;
  m.prepare(fs, 512);
  const double a = std::pow(10.0, peakDb / 20.0);
  std::vector<double> x(static_cast<size_t>(fs * seconds));
  for (size_t n = 0; n < x.size(); ++n) x[n] = a * std::sin(2 * kPi * 997.0 * n / fs);
  for (size_t i = 0; i < x.size(); i += 512) {
    const int n = static_cast<int>(std::min<size_t>(512, x.size() - i));
    m.process(x.data() + i, x.data() + i, n);
  }
  return m.shortTermLufs();
}
}  // namespace

TEST_CASE("OutputMeter: short-term loudness of EBU 3341 sines", "[meter]") {
  for (double fs : {44100.0, 48000.0, 96000.0}) {
    INFO("fs " << fs);
    CHECK(shortTermOfSine(fs, -23.0, 4.0) == Approx(-23.0).margin(0.1));
    CHECK(shortTermOfSine(fs, -33.0, 4.0) == Approx(-33.0).margin(0.1));
  }
  OutputMeter silent;
  silent.prepare(48000, 128);
  CHECK(silent.shortTermLufs() == -200.0);
}

TEST_CASE("OutputMeter: true peak of an fs/4 sine at 45 degrees", "[meter]") {
  OutputMeter m;
  m.prepare(kFs, 128);
  std::vector<double> x(48000);
  for (size_t n = 0; n < x.size(); ++n) x[n] = 0.5 * std::sin(kPi / 2 * n + kPi / 4);
  m.process(x.data(), x.data(), static_cast<int>(x.size()));
  const double tp = m.takeTruePeakDb();
  CHECK(tp <= db(0.5) + 0.2);
  CHECK(tp >= db(0.5) - 0.4);
  CHECK(m.takeTruePeakDb() == -200.0);  // the hold restarts after each read
}
