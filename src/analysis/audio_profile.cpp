// ProfileAnalyzer — definitions in the header. Only + − × ÷, sqrt and dmath, in fixed orders.
#include "analysis/audio_profile.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "dsp/dmath.h"

namespace vocalmix::analysis {

namespace {

constexpr double kSilentMeanSquare = 1e-20;
constexpr double kActiveBelowLoudDb = 30.0;
constexpr double kActiveAboveNoiseDb = 10.0;
constexpr double kActiveMaxBelowLoudDb = 12.0;
constexpr double kBandRangeDb = 60.0;
constexpr double kEdgeDropDb = 9.0;
constexpr double kBandFloorInFrame = 1e-10;  // a band's level is floored 100 dB under its frame's
constexpr int kEdgeSearchFromBand = 12;  // 1 kHz
constexpr double kPhraseBelowLoudDb = 15.0;
constexpr double kTailStartSeconds = 0.05;
constexpr double kTailEndSeconds = 0.30;
constexpr double kTailFloorDb = -60.0;

// Nearest-rank percentile (p in 0..1) of a copy.
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0.0;
  const auto k = static_cast<size_t>(std::floor(p * static_cast<double>(v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

double toDb(double meanSquare) {
  return meanSquare > kSilentMeanSquare ? dmath::powerToDb(meanSquare) : kFloorDb;
}

}  // namespace

double profileBandCentreHz(int band) {
  return 1000.0 * dmath::pow(2.0, static_cast<double>(band - 12) / 3.0);
}

ProfileAnalyzer::ProfileAnalyzer(int sampleRate, int channels)
    : sampleRate_(sampleRate), channels_(channels), meter_(sampleRate, channels, /*withPeaks=*/false) {
  if (channels < 1 || channels > 2) {
    throw std::invalid_argument("profile analysis takes 1 or 2 channels, got " + std::to_string(channels));
  }
  fftSize_ = 256;
  while (fftSize_ * 12 < sampleRate) fftSize_ *= 2;
  hop_ = fftSize_ / 4;
  fft_.prepare(fftSize_);
  window_.resize(static_cast<size_t>(fftSize_));
  for (int n = 0; n < fftSize_; ++n) {
    window_[n] = 0.5 - 0.5 * dmath::cos(dmath::kTwoPi * n / fftSize_);
  }
  ring_.assign(static_cast<size_t>(fftSize_), 0.0);
  frame_.resize(static_cast<size_t>(fftSize_));
  re_.resize(static_cast<size_t>(fftSize_ / 2 + 1));
  im_.resize(static_cast<size_t>(fftSize_ / 2 + 1));
  const double binHz = static_cast<double>(sampleRate) / fftSize_;
  const double edge = dmath::pow(2.0, 1.0 / 6.0);
  for (int b = 0; b < kProfileBands; ++b) {
    const double lo = profileBandCentreHz(b) / edge, hi = profileBandCentreHz(b) * edge;
    int first = static_cast<int>(std::ceil(lo / binHz));
    int last = static_cast<int>(std::ceil(hi / binHz)) - 1;  // bins with lo <= f < hi
    if (hi >= 0.45 * sampleRate) last = first - 1;           // beyond the usable bandwidth
    last = std::min(last, fftSize_ / 2);
    bandFirstBin_.push_back(first);
    bandLastBin_.push_back(last);
  }
}

void ProfileAnalyzer::addFrames(const float* in, int64_t frames) {
  if (frames <= 0) return;
  const size_t n = static_cast<size_t>(frames) * channels_;
  bool allFinite = true;
  for (size_t i = 0; i < n && allFinite; ++i) allFinite = std::isfinite(in[i]);
  if (!allFinite) {
    nonFinite_ = true;
    finite_.assign(in, in + n);
    for (float& x : finite_) {
      if (!std::isfinite(x)) x = 0.0f;
    }
    in = finite_.data();
  }
  meter_.addFrames(in, frames);
  frames_ += frames;
  for (int64_t f = 0; f < frames; ++f) {
    const double l = in[f * channels_];
    const double r = channels_ == 2 ? in[f * channels_ + 1] : l;
    const double mid = 0.5 * (l + r), side = 0.5 * (l - r);
    midEnergy_ += mid * mid;
    sideEnergy_ += side * side;
    midSide_ += mid * side;
    ring_[static_cast<size_t>(ringPos_)] = mid;
    ringPos_ = (ringPos_ + 1) % fftSize_;
    ++seen_;
    hopEnergy_ += mid * mid;
    hopPeak_ = std::max(hopPeak_, std::fabs(mid));
    if (++hopFill_ == hop_) {
      hopMeanSquare_.push_back(static_cast<float>(hopEnergy_ / hop_));
      hopPeakAbs_.push_back(static_cast<float>(hopPeak_));
      hopEnergy_ = hopPeak_ = 0.0;
      hopFill_ = 0;
      if (seen_ >= fftSize_) analyseFrame();
    }
  }
}

void ProfileAnalyzer::analyseFrame() {
  for (int n = 0; n < fftSize_; ++n) {
    frame_[n] = window_[n] * ring_[static_cast<size_t>((ringPos_ + n) % fftSize_)];
  }
  fft_.forward(frame_.data(), re_.data(), im_.data());
  for (int b = 0; b < kProfileBands; ++b) {
    double p = 0.0;
    for (int k = bandFirstBin_[b]; k <= bandLastBin_[b]; ++k) p += re_[k] * re_[k] + im_[k] * im_[k];
    framePower_.push_back(static_cast<float>(p));
  }
}

AudioProfile ProfileAnalyzer::finish() const {
  AudioProfile p;
  p.sampleRate = sampleRate_;
  p.durationSeconds = static_cast<double>(frames_) / sampleRate_;
  p.hasNonFinite = nonFinite_;
  const double lufs = meter_.integratedLufs();
  p.integratedLufs = std::isfinite(lufs) && lufs > kFloorDb ? lufs : kFloorDb;
  p.lra = meter_.loudnessRange();
  // The side signal's part that is not a scaled copy of the mid (a pan or an L/R imbalance is):
  // its energy after removing the projection onto the mid.
  const double uncorrelatedSide =
      midEnergy_ > 0.0 ? sideEnergy_ - midSide_ * midSide_ / midEnergy_ : 0.0;
  p.sideToMidDb = (uncorrelatedSide > 1e-9 * midEnergy_ && midEnergy_ > 0.0)
                      ? std::max(kFloorDb, dmath::powerToDb(uncorrelatedSide / midEnergy_))
                      : kFloorDb;

  // Hop levels → the voice-active threshold.
  const size_t hops = hopMeanSquare_.size();
  std::vector<double> levels;
  for (float ms : hopMeanSquare_) {
    if (ms > kSilentMeanSquare) levels.push_back(toDb(ms));
  }
  if (levels.empty()) return p;
  const double loud = percentile(levels, 0.95);
  const double noise = percentile(levels, 0.10);
  p.noiseFloorDb = noise;
  const double threshold = std::max(loud - kActiveBelowLoudDb,
                                    std::min(noise + kActiveAboveNoiseDb, loud - kActiveMaxBelowLoudDb));
  std::vector<uint8_t> active(hops, 0);
  double activeEnergy = 0.0;
  std::vector<double> activePeaks, activeLevels;
  for (size_t h = 0; h < hops; ++h) {
    const double ms = hopMeanSquare_[h];
    if (ms > kSilentMeanSquare && toDb(ms) >= threshold) {
      active[h] = 1;
      ++p.activeHops;
      activeEnergy += ms;
      activePeaks.push_back(hopPeakAbs_[h]);
      activeLevels.push_back(toDb(ms));
    }
  }
  p.activeSeconds = static_cast<double>(p.activeHops) * hop_ / sampleRate_;
  if (p.activeHops == 0) return p;
  const double activeMs = activeEnergy / p.activeHops;
  p.activeRmsDb = toDb(activeMs);
  const double peak = percentile(activePeaks, 0.95);
  p.crestDb = activeMs > kSilentMeanSquare ? dmath::powerToDb(peak * peak / activeMs) : 0.0;
  p.levelSpreadDb = percentile(activeLevels, 0.95) - percentile(activeLevels, 0.50);

  // Envelope over the active FFT frames (frame k covers hops k..k+3).
  const size_t frames = framePower_.size() / kProfileBands;
  std::array<double, kProfileBands> sum{};
  int used = 0;
  for (size_t k = 0; k < frames; ++k) {
    double e = 0.0;
    for (size_t h = k; h < k + 4 && h < hops; ++h) e += hopMeanSquare_[h];
    if (toDb(e / 4.0) < threshold) continue;
    // The mean of each band's level in dB over the frames (a geometric mean of the power): an EQ
    // moves every frame's band level by its response, so it moves the envelope by exactly that;
    // a gain that changes from frame to frame (a compressor, a fade) moves all bands alike, which
    // the level alignment of the comparison removes. (An arithmetic mean of power would let the
    // loudest frames decide the tone, and a compressor would then change the measured tone.)
    double total = 0.0;
    for (int b = 0; b < kProfileBands; ++b) total += framePower_[k * kProfileBands + b];
    if (!(total > 0.0)) continue;
    ++used;
    const double floor = total * kBandFloorInFrame;
    for (int b = 0; b < kProfileBands; ++b) {
      sum[b] += dmath::powerToDb(std::max(floor, static_cast<double>(framePower_[k * kProfileBands + b])));
    }
  }
  double maxDb = kFloorDb;
  for (int b = 0; b < kProfileBands; ++b) {
    const bool inBand = bandFirstBin_[b] <= bandLastBin_[b];
    p.bandValid[b] = inBand && used > 0;
    p.bandDb[b] = p.bandValid[b] ? sum[b] / used : kFloorDb;
    if (p.bandValid[b]) maxDb = std::max(maxDb, p.bandDb[b]);
  }
  for (int b = 0; b < kProfileBands; ++b) {
    if (p.bandValid[b] && p.bandDb[b] < maxDb - kBandRangeDb) p.bandValid[b] = false;
  }
  // A band-limited recording (a low sample rate, a lossy codec's lowpass): above 1 kHz, the first
  // band that falls more than kEdgeDropDb below the band under it is the edge of the recording's
  // bandwidth; it and the bands above are not compared. Voices and mixes never fall that steeply
  // (27 dB/octave) on their own.
  for (int b = kEdgeSearchFromBand + 1; b < kProfileBands; ++b) {
    if (p.bandValid[b] && p.bandValid[b - 1] && p.bandDb[b] < p.bandDb[b - 1] - kEdgeDropDb) {
      for (int k = b; k < kProfileBands; ++k) p.bandValid[k] = false;
      break;
    }
  }

  // Reverb tail after phrase ends.
  const double noisePower = dmath::exp(noise * (dmath::kLn10 / 10.0));
  const auto hopsFor = [&](double seconds) {
    return static_cast<size_t>(std::floor(seconds * sampleRate_ / hop_ + 0.5));
  };
  const size_t tailStart = std::max<size_t>(1, hopsFor(kTailStartSeconds));
  const size_t tailEnd = std::max(tailStart + 2, hopsFor(kTailEndSeconds));
  double tailSum = 0.0;
  // Phrases for the tail are gated higher than voice activity, so a tail is not itself a phrase.
  const double phraseGate = loud - kPhraseBelowLoudDb;
  std::vector<uint8_t> phrase(hops, 0);
  for (size_t h = 0; h < hops; ++h) phrase[h] = toDb(hopMeanSquare_[h]) >= phraseGate ? 1 : 0;
  for (size_t h = 3; h < hops; ++h) {
    if (phrase[h] || !phrase[h - 1] || !phrase[h - 2] || !phrase[h - 3]) continue;
    double tail = 0.0;
    size_t count = 0;
    for (size_t t = h - 1 + tailStart; t < h - 1 + tailEnd && t < hops && !phrase[t]; ++t) {
      tail += hopMeanSquare_[t];
      ++count;
    }
    if (count < 2) continue;
    const double before = (static_cast<double>(hopMeanSquare_[h - 1]) + hopMeanSquare_[h - 2] +
                           hopMeanSquare_[h - 3]) / 3.0;
    const double floor = dmath::exp(kTailFloorDb * (dmath::kLn10 / 10.0));
    tailSum += std::max(floor, (tail / count - noisePower) / before);
    ++p.phraseEnds;
  }
  if (p.phraseEnds > 0) p.tailDb = dmath::powerToDb(tailSum / p.phraseEnds);
  return p;
}

std::array<double, kProfileBands> envelopeDifferenceDb(const AudioProfile& a, const AudioProfile& b,
                                                       std::array<bool, kProfileBands>* common) {
  std::array<double, kProfileBands> d{};
  std::array<bool, kProfileBands> both{};
  double mean = 0.0;
  int n = 0;
  for (int k = 0; k < kProfileBands; ++k) {
    both[k] = a.bandValid[k] && b.bandValid[k];
    if (!both[k]) continue;
    d[k] = b.bandDb[k] - a.bandDb[k];
    mean += d[k];
    ++n;
  }
  if (n > 0) mean /= n;
  for (int k = 0; k < kProfileBands; ++k) d[k] = both[k] ? d[k] - mean : 0.0;
  if (common) *common = both;
  return d;
}

double envelopeDistanceDb(const AudioProfile& a, const AudioProfile& b) {
  std::array<bool, kProfileBands> common{};
  const auto d = envelopeDifferenceDb(a, b, &common);
  double sum = 0.0;
  int n = 0;
  for (int k = 0; k < kProfileBands; ++k) {
    if (!common[k]) continue;
    sum += d[k] * d[k];
    ++n;
  }
  return n >= 3 ? std::sqrt(sum / n) : 0.0;
}

}  // namespace vocalmix::analysis
