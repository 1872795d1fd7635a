// RealFft against the definition: a direct DFT in long double (Σ x·e^{−2πikn/N} with the angles
// reduced exactly), for every size the product uses and the edges (4, 8, 65536 skipped for
// time: 32768 is the largest checked). Tolerance: max |error| ≤ 1e-13 · ‖x‖₂·√N, far above
// double rounding (measured ~1e-15) and far below anything audible. The inverse must return
// size()·x within the same bound, and bins 0 and N/2 must be exactly real.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "dsp/real_fft.h"

using vocalmix::RealFft;

namespace {

void directDft(const std::vector<double>& x, std::vector<long double>& re, std::vector<long double>& im) {
  const size_t n = x.size();
  const long double pi = 3.141592653589793238462643383279502884L;
  re.assign(n / 2 + 1, 0.0L);
  im.assign(n / 2 + 1, 0.0L);
  for (size_t k = 0; k <= n / 2; ++k) {
    long double sr = 0.0L, si = 0.0L;
    for (size_t t = 0; t < n; ++t) {
      const size_t phase = (k * t) % n;  // exact reduction of the angle
      const long double a = -2.0L * pi * static_cast<long double>(phase) / static_cast<long double>(n);
      sr += x[t] * std::cos(a);
      si += x[t] * std::sin(a);
    }
    re[k] = sr;
    im[k] = si;
  }
}

// n samples of the distribution g and their L2 norm.
std::vector<double> gaussian(int n, std::mt19937& rng, std::normal_distribution<double>& g, double& norm) {
  std::vector<double> x(static_cast<size_t>(n));
  norm = 0.0;
  for (double& v : x) {
    v = g(rng);
    norm += v * v;
  }
  norm = std::sqrt(norm);
  return x;
}

// Bins 0 and N/2 exactly real; the inverse gives N·x back within N·bound.
void checkRealEdgesAndRoundTrip(RealFft& fft, const std::vector<double>& x, std::vector<double>& re,
                                std::vector<double>& im, double bound) {
  const int n = static_cast<int>(x.size());
  CHECK(im[0] == 0.0);
  CHECK(im[n / 2] == 0.0);
  std::vector<double> back(static_cast<size_t>(n));
  fft.inverse(re.data(), im.data(), back.data());
  double rt = 0.0;
  for (int t = 0; t < n; ++t) rt = std::max(rt, std::fabs(back[t] - n * x[t]));
  CHECK(rt <= bound * n);
}

}  // namespace

TEST_CASE("RealFft matches a long-double DFT; inverse round-trips", "[dsp][fft]") {
  std::mt19937 rng(2024);
  std::normal_distribution<double> g(0.0, 1.0);
  double worst = 0.0;
  for (int n : {4, 8, 16, 64, 256, 512, 1024, 2048, 4096}) {
    CAPTURE(n);
    double norm = 0.0;
    const std::vector<double> x = gaussian(n, rng, g, norm);
    RealFft fft;
    fft.prepare(n);
    std::vector<double> re(n / 2 + 1), im(n / 2 + 1);
    fft.forward(x.data(), re.data(), im.data());
    std::vector<long double> rr, ri;
    directDft(x, rr, ri);
    const double bound = 1e-13 * norm * std::sqrt(static_cast<double>(n));
    double err = 0.0;
    for (int k = 0; k <= n / 2; ++k) {
      err = std::max(err, static_cast<double>(std::fabs(re[k] - rr[k])));
      err = std::max(err, static_cast<double>(std::fabs(im[k] - ri[k])));
    }
    CHECK(err <= bound);
    worst = std::max(worst, err / (norm * std::sqrt(static_cast<double>(n))));
    checkRealEdgesAndRoundTrip(fft, x, re, im, bound);
  }
  WARN("RealFft vs long-double DFT: max error " << worst << " × ‖x‖·√N");
}

TEST_CASE("RealFft: a pure tone lands in its bin; bad sizes are refused", "[dsp][fft]") {
  const int n = 1024;
  RealFft fft;
  fft.prepare(n);
  std::vector<double> x(n), re(n / 2 + 1), im(n / 2 + 1);
  const double pi = 3.14159265358979323846;
  for (int t = 0; t < n; ++t) x[t] = std::cos(2.0 * pi * 37 * t / n);
  fft.forward(x.data(), re.data(), im.data());
  CHECK(re[37] == Approx(n / 2.0).margin(1e-9));
  for (int k = 0; k <= n / 2; ++k) {
    if (k != 37) CHECK(std::hypot(re[k], im[k]) < 1e-9);
  }
  CHECK_THROWS_AS(fft.prepare(1000), std::invalid_argument);
  CHECK_THROWS_AS(fft.prepare(2), std::invalid_argument);
}

// Every size the class accepts, so every first pass (radix 4 when log2(N/2) is even, radix 8
// when odd, radix 2 for N = 4 and 16), the smallest vectorised cases (N = 16, 32) and the
// largest (65536) are covered.
// A full long-double DFT is O(N²), so for each size a spread of bins is checked against the
// direct sum (0, 1, 2, 3, around N/4 and N/2, N/2 itself and pseudo-random ones), with the
// tolerance above, plus the full inverse round trip.
TEST_CASE("RealFft: every size 4…65536 matches the DFT on sampled bins and round-trips", "[dsp][fft]") {
  std::mt19937 rng(7);
  std::normal_distribution<double> g(0.0, 1.0);
  const long double pi = 3.141592653589793238462643383279502884L;
  double worst = 0.0;
  for (int n = 4; n <= 65536; n *= 2) {
    CAPTURE(n);
    double norm = 0.0;
    const std::vector<double> x = gaussian(n, rng, g, norm);
    RealFft fft;
    fft.prepare(n);
    std::vector<double> re(n / 2 + 1), im(n / 2 + 1);
    fft.forward(x.data(), re.data(), im.data());
    const double bound = 1e-13 * norm * std::sqrt(static_cast<double>(n));
    std::vector<int> bins = {0, 1, 2, 3, n / 4 - 1, n / 4, n / 4 + 1, n / 2 - 2, n / 2 - 1, n / 2};
    std::uniform_int_distribution<int> pick(0, n / 2);
    for (int i = 0; i < 8; ++i) bins.push_back(pick(rng));
    double err = 0.0;
    for (int k : bins) {
      if (k < 0 || k > n / 2) continue;  // the small sizes
      long double sr = 0.0L, si = 0.0L;
      for (size_t t = 0; t < x.size(); ++t) {
        const size_t phase = (static_cast<size_t>(k) * t) % x.size();
        const long double a = -2.0L * pi * static_cast<long double>(phase) / static_cast<long double>(n);
        sr += x[t] * std::cos(a);
        si += x[t] * std::sin(a);
      }
      err = std::max(err, static_cast<double>(std::fabs(re[k] - sr)));
      err = std::max(err, static_cast<double>(std::fabs(im[k] - si)));
    }
    CHECK(err <= bound);
    worst = std::max(worst, err / (norm * std::sqrt(static_cast<double>(n))));
    checkRealEdgesAndRoundTrip(fft, x, re, im, bound);
  }
  WARN("RealFft (sampled bins, all sizes) vs long-double DFT: max error " << worst << " × ‖x‖·√N");
}
