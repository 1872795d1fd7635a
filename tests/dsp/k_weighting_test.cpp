// KWeightingPair against its definition: per lane, the shelf then the high-pass as scalar
// Biquads (kWeightingShelf, kWeightingHighPass), squared and summed sample by sample. Tolerance
// 1e-12 relative (the same operations; only the summation of the squares may group
// differently, and state under 1e-30 is flushed every 256 frames instead of every sample).
// Also: the two lanes are independent, blocking does not change a bit, and state decays to
// exact zero in silence (no denormals).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "dsp/k_weighting.h"

using namespace vocalmix;

namespace {

double reference(const std::vector<float>& x, size_t lane, size_t stride, double rate) {
  Biquad shelf, highPass;
  shelf.setCoefficients(kWeightingShelf(rate));
  highPass.setCoefficients(kWeightingHighPass(rate));
  double sum = 0.0;
  for (size_t i = lane; i < x.size(); i += stride) {
    const double z = highPass.process(shelf.process(x[i]));
    sum += z * z;
  }
  return sum;
}

std::vector<float> noise(size_t n, unsigned seed, double gain) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, gain);
  std::vector<float> x(n);
  for (float& v : x) v = static_cast<float>(g(rng));
  return x;
}

}  // namespace

TEST_CASE("KWeightingPair: each lane is shelf then high-pass, squared and summed", "[kweighting]") {
  for (double rate : {8000.0, 44100.0, 48000.0, 384000.0}) {
    CAPTURE(rate);
    const auto x = noise(2 * 20000, 3, 0.2);  // interleaved stereo, different content per lane
    KWeightingPair adjacent(rate);
    adjacent.addAdjacent(x.data(), 2, 20000);
    const Pair a = adjacent.takeSumOfSquares();
    CHECK(a[0] == Approx(reference(x, 0, 2, rate)).epsilon(1e-12));
    CHECK(a[1] == Approx(reference(x, 1, 2, rate)).epsilon(1e-12));

    std::vector<float> left(20000), right(20000);
    for (size_t i = 0; i < 20000; ++i) {
      left[i] = x[2 * i];
      right[i] = x[2 * i + 1];
    }
    KWeightingPair planar(rate), single(rate);
    planar.addPlanar(left.data(), right.data(), 20000);
    single.addSingle(x.data() + 1, 2, 20000);  // the right channel alone
    const Pair p = planar.takeSumOfSquares(), s = single.takeSumOfSquares();
    CHECK(p[0] == a[0]);
    CHECK(p[1] == a[1]);
    CHECK(s[0] == a[1]);
    CHECK(s[1] == 0.0);
  }
}

TEST_CASE("KWeightingPair: blocking does not change a bit, and silence ends in exact zeros", "[kweighting]") {
  const auto x = noise(2 * 30000, 9, 0.3);
  KWeightingPair whole(48000.0), ones(48000.0), odd(48000.0);
  whole.addAdjacent(x.data(), 2, 30000);
  for (int64_t i = 0; i < 30000; ++i) ones.addAdjacent(x.data() + 2 * i, 2, 1);
  for (int64_t i = 0; i < 30000; i += 257) odd.addAdjacent(x.data() + 2 * i, 2, std::min<int64_t>(257, 30000 - i));
  const Pair w = whole.takeSumOfSquares(), o = ones.takeSumOfSquares(), d = odd.takeSumOfSquares();
  CHECK(w[0] == o[0]);
  CHECK(w[1] == o[1]);
  CHECK(w[0] == d[0]);
  CHECK(w[1] == d[1]);
  // A second of zeros lets the 38 Hz high-pass ring down below 1e-30; then it is flushed and
  // the filter stays at exact zero.
  const std::vector<float> zeros(2 * 48000, 0.0f);
  whole.addAdjacent(zeros.data(), 2, 48000);
  whole.takeSumOfSquares();
  whole.addAdjacent(zeros.data(), 2, 1000);
  const Pair after = whole.takeSumOfSquares();
  CHECK(after[0] == 0.0);
  CHECK(after[1] == 0.0);
}
