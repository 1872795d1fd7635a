// Match a reference — the fit, step by step (see the header for the why).
#include "render/reference_match.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "analysis/tempo.h"
#include "dsp/biquad.h"
#include "dsp/dmath.h"

namespace vocalmix::render {

using analysis::AudioProfile;
using analysis::kProfileBands;
using nlohmann::json;

namespace {

constexpr int kBlock = 4096;
constexpr double kButterworthQ = 0.70710678118654752440;
// Least-squares regularisation (per dB² of band gain): prefers small moves when bands overlap.
constexpr double kRidge = 0.1;
// Score = envelope distance + these weights × |Δ level spread| and |Δ space| (all dB).
constexpr double kSpreadWeight = 0.3;
constexpr double kSpaceWeight = 0.1;
// A reference with side content above this is matched on its width; below it, on its tail.
constexpr double kStereoSideDb = -45.0;
constexpr double kMaxSendStepDb = 12.0;
constexpr double kMinFittedLowPassHz = 4000.0;
constexpr double kMaxThresholdStepDb = 12.0;

double quantise(double v, double steps) { return std::floor(v * steps + 0.5) / steps; }
double q2(double v) { return quantise(v, 100.0); }

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string hz(double f) {
  return f >= 1000.0 ? fmt("%.1f kHz", f / 1000.0) : fmt("%.0f Hz", f);
}

// ---- sources and sinks ------------------------------------------------------------------------

// The first maxFrames of a source.
class ExcerptSource : public FrameSource {
 public:
  ExcerptSource(FrameSource& s, int64_t maxFrames)
      : s_(s), frames_(std::min(s.frames(), maxFrames)) {}
  int sampleRate() const override { return s_.sampleRate(); }
  int channels() const override { return s_.channels(); }
  int64_t frames() const override { return frames_; }
  void rewind() override {
    s_.rewind();
    pos_ = 0;
  }
  int64_t read(float* interleaved, int64_t frames) override {
    const int64_t n = s_.read(interleaved, std::min(frames, frames_ - pos_));
    pos_ += n;
    return n;
  }

 private:
  FrameSource& s_;
  int64_t frames_, pos_ = 0;
};

// More than two channels read as their mean on two (in float), as the chain and the WASM decoder
// fold them, so the tempo estimate sees the same samples natively and in the browser.
class FoldedSource : public FrameSource {
 public:
  explicit FoldedSource(FrameSource& s) : s_(s), buf_(static_cast<size_t>(kBlock) * s.channels()) {}
  int sampleRate() const override { return s_.sampleRate(); }
  int channels() const override { return std::min(s_.channels(), 2); }
  int64_t frames() const override { return s_.frames(); }
  void rewind() override { s_.rewind(); }
  int64_t read(float* out, int64_t frames) override {
    const int ch = s_.channels();
    if (ch <= 2) return s_.read(out, frames);
    const int64_t n = s_.read(buf_.data(), std::min<int64_t>(frames, kBlock));
    for (int64_t i = 0; i < n; ++i) {
      double sum = 0.0;
      for (int c = 0; c < ch; ++c) sum += buf_[static_cast<size_t>(i) * ch + c];
      out[2 * i] = out[2 * i + 1] = static_cast<float>(sum / ch);
    }
    return n;
  }

 private:
  FrameSource& s_;
  std::vector<float> buf_;
};

class ProfileSink : public FrameSink {
 public:
  explicit ProfileSink(int rate) : rate_(rate), analyzer_(rate, 2) {}
  void restart() override { analyzer_ = analysis::ProfileAnalyzer(rate_, 2); }
  void write(const float* l, const float* r, int n) override {
    inter_.resize(2 * static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      inter_[2 * i] = l[i];
      inter_[2 * i + 1] = r[i];
    }
    analyzer_.addFrames(inter_.data(), n);
  }
  AudioProfile finish() const { return analyzer_.finish(); }

 private:
  int rate_;
  analysis::ProfileAnalyzer analyzer_;
  std::vector<float> inter_;
};

// The delivered mix of `vocal` with `params`, profiled.
AudioProfile renderProfile(FrameSource& vocal, const ParamSet& params) {
  MemoryFrameStore store;
  ProfileSink sink(vocal.sampleRate());
  runOfflineMix(vocal, params, store, sink);
  return sink.finish();
}

// ---- what is compared -------------------------------------------------------------------------

enum class SpaceMeasure { Width, Tail, None };

double spaceValue(SpaceMeasure m, const AudioProfile& p) {
  switch (m) {
    case SpaceMeasure::Width: return p.sideToMidDb;
    case SpaceMeasure::Tail: return p.tailDb;
    case SpaceMeasure::None: break;
  }
  return 0.0;
}

struct Score {
  double envelope = 0.0, crest = 0.0, spread = 0.0, space = 0.0, total = 0.0;
};

Score scoreOf(const AudioProfile& ref, const AudioProfile& p, SpaceMeasure m) {
  Score s;
  s.envelope = analysis::envelopeDistanceDb(p, ref);
  s.crest = p.crestDb - ref.crestDb;
  s.spread = p.levelSpreadDb - ref.levelSpreadDb;
  s.space = m == SpaceMeasure::None ? 0.0 : spaceValue(m, p) - spaceValue(m, ref);
  s.total = s.envelope + kSpreadWeight * std::fabs(s.spread) + kSpaceWeight * std::fabs(s.space);
  return s;
}

// ---- the EQ model -----------------------------------------------------------------------------

struct EqBand {
  const char* name;
  FilterType type;
  ParamId freq, gain, q;  // q == ParamId::Count: fixed Butterworth Q (the chain's shelves)
};
const EqBand kEqBands[] = {
    {"low shelf", FilterType::LowShelf, ParamId::EqLowFreq, ParamId::EqLowGain, ParamId::Count},
    {"mud bell", FilterType::Peak, ParamId::EqMudFreq, ParamId::EqMudGain, ParamId::EqMudQ},
    {"mid bell", FilterType::Peak, ParamId::EqMidFreq, ParamId::EqMidGain, ParamId::EqMidQ},
    {"presence bell", FilterType::Peak, ParamId::EqPresenceFreq, ParamId::EqPresenceGain, ParamId::EqPresenceQ},
    {"air shelf", FilterType::HighShelf, ParamId::EqAirFreq, ParamId::EqAirGain, ParamId::Count},
};
constexpr int kEqBandCount = 5;

double bandQ(const EqBand& b, const ParamSet& p) {
  return b.q == ParamId::Count ? kButterworthQ : p.get(b.q);
}

// dB response of one EQ band at `gainDb`, at every profile band centre.
std::array<double, kProfileBands> bandResponse(const EqBand& b, double rate, double freq, double q,
                                               double gainDb) {
  std::array<double, kProfileBands> r{};
  if (gainDb == 0.0) return r;
  const BiquadCoefficients c = BiquadCoefficients::design(b.type, rate, freq, q, gainDb);
  for (int k = 0; k < kProfileBands; ++k) {
    const double f = analysis::profileBandCentreHz(k);
    r[k] = f < 0.49 * rate ? c.magnitudeDb(rate, f) : 0.0;
  }
  return r;
}

std::array<double, kProfileBands> eqCurve(const ParamSet& p, double rate) {
  std::array<double, kProfileBands> sum{};
  if (p.get(ParamId::EqOn) < 0.5) return sum;
  for (const EqBand& b : kEqBands) {
    const auto r = bandResponse(b, rate, p.get(b.freq), bandQ(b, p), p.get(b.gain));
    for (int k = 0; k < kProfileBands; ++k) sum[k] += r[k];
  }
  return sum;
}

// Solves A·x = y (n ≤ 8) by Gaussian elimination with partial pivoting.
bool solve(std::vector<std::vector<double>> a, std::vector<double> y, std::vector<double>& x) {
  const size_t n = y.size();
  for (size_t c = 0; c < n; ++c) {
    size_t pivot = c;
    for (size_t r = c + 1; r < n; ++r) {
      if (std::fabs(a[r][c]) > std::fabs(a[pivot][c])) pivot = r;
    }
    if (std::fabs(a[pivot][c]) < 1e-12) return false;
    std::swap(a[c], a[pivot]);
    std::swap(y[c], y[pivot]);
    for (size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      y[r] -= f * y[c];
    }
  }
  x.assign(n, 0.0);
  for (size_t c = n; c-- > 0;) {
    double s = y[c];
    for (size_t k = c + 1; k < n; ++k) s -= a[c][k] * x[k];
    x[c] = s / a[c][c];
  }
  return true;
}

// The shape of the tone stage the least squares works with: band frequencies and bell Qs (the
// gains are what the least squares solves for) and the high-pass frequency.
struct ToneShape {
  double freqs[kEqBandCount] = {};
  double qs[kEqBandCount] = {};
  double hpf = 0.0;  // 0: high-pass off
  int hpfStages = 2;
  double lpf = 0.0;  // 0: low-pass off
};

struct EqFit {
  ToneShape shape;
  double gains[kEqBandCount] = {};
  double cost = 1e300;
};

ToneShape shapeOf(const ParamSet& p) {
  ToneShape s;
  for (int i = 0; i < kEqBandCount; ++i) {
    s.freqs[i] = p.get(kEqBands[i].freq);
    s.qs[i] = bandQ(kEqBands[i], p);
  }
  s.hpf = p.get(ParamId::HpfOn) >= 0.5 ? p.get(ParamId::HpfFreq) : 0.0;
  s.hpfStages = p.get(ParamId::HpfSlope) >= 0.5 ? 2 : 1;
  s.lpf = p.get(ParamId::LpfOn) >= 0.5 ? p.get(ParamId::LpfFreq) : 0.0;
  return s;
}

// The high-pass and low-pass of the shape (the chain's Butterworth sections), dB per band.
std::array<double, kProfileBands> hpfCurve(const ToneShape& s, double rate) {
  std::array<double, kProfileBands> r{};
  for (int k = 0; k < kProfileBands; ++k) {
    const double f = analysis::profileBandCentreHz(k);
    if (f >= 0.49 * rate) continue;
    if (s.hpf > 0.0) {
      r[k] += s.hpfStages *
              BiquadCoefficients::design(FilterType::HighPass, rate, s.hpf, kButterworthQ, 0.0).magnitudeDb(rate, f);
    }
    if (s.lpf > 0.0 && s.lpf < 0.45 * rate) {
      r[k] += BiquadCoefficients::design(FilterType::LowPass, rate, s.lpf, kButterworthQ, 0.0).magnitudeDb(rate, f);
    }
  }
  return r;
}

// Least squares for the five band gains (plus a free level offset) that, with the shape's
// high-pass, best give `target` (dB per profile band, on the `use` bands). Basis: each band's dB
// response per dB of gain (designed at +6 dB), which is close to linear in the gain. Cost: the
// squared residual with the gains clamped to the schema's ±12 dB, plus the ridge term.
EqFit fitGains(const std::array<double, kProfileBands>& target, const std::array<bool, kProfileBands>& use,
               const ToneShape& shape, double rate) {
  std::array<std::array<double, kProfileBands>, kEqBandCount> basis;
  for (int i = 0; i < kEqBandCount; ++i) {
    basis[i] = bandResponse(kEqBands[i], rate, shape.freqs[i], shape.qs[i], 6.0);
    for (double& v : basis[i]) v /= 6.0;
  }
  const auto hp = hpfCurve(shape, rate);
  const int n = kEqBandCount + 1;
  std::vector<std::vector<double>> ata(n, std::vector<double>(n, 0.0));
  std::vector<double> aty(n, 0.0);
  for (int k = 0; k < kProfileBands; ++k) {
    if (!use[k]) continue;
    double row[kEqBandCount + 1];
    for (int i = 0; i < kEqBandCount; ++i) row[i] = basis[i][k];
    row[kEqBandCount] = 1.0;
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) ata[i][j] += row[i] * row[j];
      aty[i] += row[i] * (target[k] - hp[k]);
    }
  }
  for (int i = 0; i < kEqBandCount; ++i) ata[i][i] += kRidge;
  EqFit fit;
  fit.shape = shape;
  std::vector<double> x;
  if (!solve(ata, aty, x)) return fit;
  for (int i = 0; i < kEqBandCount; ++i) fit.gains[i] = std::clamp(x[i], -12.0, 12.0);
  std::array<double, kProfileBands> e{};
  double mean = 0.0;
  int used = 0;
  for (int k = 0; k < kProfileBands; ++k) {
    if (!use[k]) continue;
    double model = hp[k];
    for (int i = 0; i < kEqBandCount; ++i) model += fit.gains[i] * basis[i][k];
    e[k] = target[k] - model;
    mean += e[k];
    ++used;
  }
  if (used == 0) return fit;
  mean /= used;
  double cost = 0.0;
  for (int k = 0; k < kProfileBands; ++k) {
    if (use[k]) cost += (e[k] - mean) * (e[k] - mean);
  }
  for (int i = 0; i < kEqBandCount; ++i) cost += kRidge * fit.gains[i] * fit.gains[i];
  fit.cost = cost;
  return fit;
}

std::vector<double> thirdOctaveGrid(ParamId id) {
  const ParamSpec& s = spec(id);
  std::vector<double> out;
  for (int i = 0;; ++i) {
    const double f = std::floor(s.min * dmath::pow(2.0, i / 3.0) + 0.5);
    if (f > s.max) break;
    out.push_back(f);
  }
  return out;
}

constexpr double kBellQs[] = {0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0};

// Bells stay in order, at least half an octave apart, so two bells never fight over one region.
bool bellsOrdered(const ToneShape& s) {
  return s.freqs[2] >= 1.4142 * s.freqs[1] && s.freqs[3] >= 1.4142 * s.freqs[2];
}

// One tone update: the tone stage whose curve best equals (smoothed reference − current
// difference) + (the current EQ and high-pass curves). The shape is searched: first the three
// bell frequencies jointly on 1/3-octave grids, then coordinate by coordinate (high-pass,
// shelf frequencies, each bell's frequency and Q), twice; for every candidate shape the gains are
// solved by least squares.
void updateTone(ParamSet& p, const AudioProfile& ref, const AudioProfile& cur, double rate) {
  std::array<bool, kProfileBands> use{};
  const auto diff = analysis::envelopeDifferenceDb(cur, ref, &use);
  std::array<double, kProfileBands> smooth{};
  for (int k = 0; k < kProfileBands; ++k) {
    if (!use[k]) continue;
    const double left = (k > 0 && use[k - 1]) ? diff[k - 1] : diff[k];
    const double right = (k + 1 < kProfileBands && use[k + 1]) ? diff[k + 1] : diff[k];
    smooth[k] = 0.25 * left + 0.5 * diff[k] + 0.25 * right;
  }
  const ToneShape now = shapeOf(p);
  const auto curve = eqCurve(p, rate);
  const auto hp = hpfCurve(now, rate);
  std::array<double, kProfileBands> target{};
  for (int k = 0; k < kProfileBands; ++k) target[k] = smooth[k] + curve[k] + hp[k];

  EqFit best = fitGains(target, use, now, rate);
  auto consider = [&](const ToneShape& s) {
    if (!bellsOrdered(s)) return;
    const EqFit fit = fitGains(target, use, s, rate);
    if (fit.cost < best.cost) best = fit;
  };
  const auto mud = thirdOctaveGrid(ParamId::EqMudFreq);
  const auto mid = thirdOctaveGrid(ParamId::EqMidFreq);
  const auto presence = thirdOctaveGrid(ParamId::EqPresenceFreq);
  for (double fMud : mud) {
    for (double fMid : mid) {
      for (double fPresence : presence) {
        ToneShape s = now;
        s.freqs[1] = fMud;
        s.freqs[2] = fMid;
        s.freqs[3] = fPresence;
        consider(s);
      }
    }
  }
  const std::vector<double> grids[kEqBandCount] = {thirdOctaveGrid(ParamId::EqLowFreq), mud, mid, presence,
                                                   thirdOctaveGrid(ParamId::EqAirFreq)};
  const auto hpfGrid = thirdOctaveGrid(ParamId::HpfFreq);
  // Low-pass: off, or from kMinFittedLowPassHz up (below that it would fight the presence band
  // the bells shape) and below 0.45·rate.
  std::vector<double> lpfGrid = {0.0};
  for (double f : thirdOctaveGrid(ParamId::LpfFreq)) {
    if (f >= kMinFittedLowPassHz && f < 0.45 * rate) lpfGrid.push_back(f);
  }
  for (int pass = 0; pass < 2; ++pass) {
    if (now.hpf > 0.0) {
      for (double f : hpfGrid) {
        ToneShape s = best.shape;
        s.hpf = f;
        consider(s);
      }
    }
    for (double f : lpfGrid) {
      ToneShape s = best.shape;
      s.lpf = f;
      consider(s);
    }
    for (int i = 0; i < kEqBandCount; ++i) {
      for (double f : grids[i]) {
        ToneShape s = best.shape;
        s.freqs[i] = f;
        consider(s);
      }
      if (kEqBands[i].q == ParamId::Count) continue;
      for (double q : kBellQs) {
        ToneShape s = best.shape;
        s.qs[i] = q;
        consider(s);
      }
    }
  }
  if (best.cost >= 1e300) return;
  p.set(ParamId::EqOn, 1.0);
  for (int i = 0; i < kEqBandCount; ++i) {
    p.set(kEqBands[i].freq, best.shape.freqs[i]);
    p.set(kEqBands[i].gain, quantise(best.gains[i], 10.0));
    if (kEqBands[i].q != ParamId::Count) p.set(kEqBands[i].q, best.shape.qs[i]);
  }
  if (best.shape.hpf > 0.0) p.set(ParamId::HpfFreq, best.shape.hpf);
  p.set(ParamId::LpfOn, best.shape.lpf > 0.0 ? 1.0 : 0.0);
  if (best.shape.lpf > 0.0) p.set(ParamId::LpfFreq, best.shape.lpf);
}

// ---- dynamics and space -----------------------------------------------------------------------

struct SpreadPoint {
  double threshold, ratio, spread;
};

// The compressor moves the level spread (see AudioProfile::levelSpreadDb) toward the
// reference's: secant steps on the threshold; the ratio when the threshold reaches its range.
void updateDynamics(ParamSet& p, const AudioProfile& ref, const AudioProfile& cur,
                    std::vector<SpreadPoint>& history) {
  const double thr = p.get(ParamId::CompThresh), ratio = p.get(ParamId::CompRatio);
  history.push_back({thr, ratio, cur.levelSpreadDb});
  const double miss = ref.levelSpreadDb - cur.levelSpreadDb;  // < 0: the reference is more compressed
  // dspread/dthreshold from the last two measurements at this ratio, else a typical 0.3.
  double slope = 0.3;
  if (history.size() >= 2) {
    const SpreadPoint& a = history[history.size() - 2];
    const SpreadPoint& b = history.back();
    if (a.ratio == b.ratio && a.threshold != b.threshold) {
      const double s = (b.spread - a.spread) / (b.threshold - a.threshold);
      if (s >= 0.05 && s <= 1.5) slope = s;
    }
  }
  p.set(ParamId::CompOn, 1.0);
  double next = thr + std::clamp(miss / slope, -kMaxThresholdStepDb, kMaxThresholdStepDb);
  const ParamSpec& t = spec(ParamId::CompThresh);
  if (next < t.min && miss < 0.0) {  // the threshold alone cannot get there: more ratio
    p.set(ParamId::CompRatio, quantise(std::min(spec(ParamId::CompRatio).max, ratio * 1.5), 100.0));
  } else if (next > t.max && miss > 0.0) {
    p.set(ParamId::CompRatio, quantise(std::max(1.2, ratio / 1.5), 100.0));
  }
  p.set(ParamId::CompThresh, quantise(std::clamp(next, t.min, t.max), 10.0));
}

void updateSpace(ParamSet& p, const AudioProfile& ref, const AudioProfile& cur, SpaceMeasure m) {
  if (m == SpaceMeasure::None) return;
  const double step = std::clamp(spaceValue(m, ref) - spaceValue(m, cur), -kMaxSendStepDb, kMaxSendStepDb);
  for (ParamId id : {ParamId::ReverbSend, ParamId::DelaySend}) {
    const ParamSpec& s = spec(id);
    p.set(id, quantise(std::clamp(p.get(id) + step, s.min, s.max), 10.0));
  }
  if (step > 0.0) p.set(ParamId::ReverbOn, 1.0);
}

// ---- the report -------------------------------------------------------------------------------

const char* regionName(double f) {
  if (f < 200.0) return "low end";
  if (f < 600.0) return "low mids";
  if (f < 2000.0) return "mids";
  if (f < 6000.0) return "presence band";
  return "air band";
}

std::string toneWord(double f, bool more) {
  if (f < 200.0) return more ? "fuller in the" : "leaner in the";
  if (f < 600.0) return more ? "warmer (more body) in the" : "less boxy in the";
  if (f < 2000.0) return more ? "more forward in the" : "less nasal in the";
  if (f < 6000.0) return more ? "brighter in the" : "darker in the";
  return more ? "airier in the" : "softer in the";
}

// The reference − render difference (dB) in the comparable band nearest to f; nothing when no
// comparable band is within a third of an octave (beyond the reference's bandwidth).
std::optional<double> differenceAt(const std::array<double, kProfileBands>& diff,
                                   const std::array<bool, kProfileBands>& use, double f) {
  int best = -1;
  double bestDistance = 1e9;
  for (int k = 0; k < kProfileBands; ++k) {
    if (!use[k]) continue;
    const double d = std::fabs(dmath::log2(analysis::profileBandCentreHz(k) / f));
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  if (best < 0 || bestDistance > 0.34) return std::nullopt;
  return diff[best];
}

json scoreJson(const Score& s, const AudioProfile& p) {
  return {{"envelope_distance_db", q2(s.envelope)}, {"crest_db", q2(p.crestDb)},
          {"crest_difference_db", q2(s.crest)}, {"level_spread_db", q2(p.levelSpreadDb)},
          {"level_spread_difference_db", q2(s.spread)}, {"lufs", q2(p.integratedLufs)},
          {"lra", q2(p.lra)}, {"side_to_mid_db", q2(p.sideToMidDb)}, {"tail_db", q2(p.tailDb)},
          {"space_difference_db", q2(s.space)}, {"score", q2(s.total)}};
}

double blend(double base, double fit, double amountPct) { return base + (fit - base) * (amountPct / 100.0); }

}  // namespace

// ---- amounts ----------------------------------------------------------------------------------

namespace {

void setAmount(MatchAmounts& a, const std::string& key, double value, const std::string& origin) {
  double* slot = key == "tone" ? &a.tone : key == "dynamics" ? &a.dynamics : key == "space" ? &a.space
               : key == "loudness" ? &a.loudness : nullptr;
  if (!slot) {
    throw MatchError(origin + ": unknown amount '" + key + "' (expected tone, dynamics, space, loudness)");
  }
  if (!std::isfinite(value) || value < 0.0 || value > 100.0) {
    throw MatchError(origin + ": amount '" + key + "' = " + fmt("%g", value) +
                     " is outside 0–100 (percent)");
  }
  *slot = value;
}

}  // namespace

MatchAmounts parseMatchAmounts(const std::string& text) {
  MatchAmounts a;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      throw MatchError("--amount '" + item + "': expected KEY=PERCENT, e.g. tone=100,dynamics=80");
    }
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0') {
      throw MatchError("--amount '" + item + "': '" + value + "' is not a number");
    }
    setAmount(a, key, v, "--amount");
  }
  return a;
}

MatchAmounts matchAmountsFromJson(const json& j) {
  MatchAmounts a;
  if (j.is_null()) return a;
  if (!j.is_object()) throw MatchError("'amount' must be an object like {\"tone\": 100, \"space\": 50}");
  for (const auto& [key, value] : j.items()) {
    if (!value.is_number()) throw MatchError("amount '" + key + "' must be a number (percent)");
    setAmount(a, key, value.get<double>(), "amount");
  }
  return a;
}

json toJson(const MatchAmounts& a) {
  return {{"tone", a.tone}, {"dynamics", a.dynamics}, {"space", a.space}, {"loudness", a.loudness}};
}

json toJson(const AudioProfile& p) {
  json bands = json::array();
  for (int k = 0; k < kProfileBands; ++k) {
    bands.push_back({{"hz", q2(analysis::profileBandCentreHz(k))},
                     {"db", p.bandValid[k] ? json(q2(p.bandDb[k])) : json(nullptr)}});
  }
  return {{"sample_rate", p.sampleRate}, {"duration_s", q2(p.durationSeconds)},
          {"voice_active_s", q2(p.activeSeconds)}, {"lufs", q2(p.integratedLufs)},
          {"lra", q2(p.lra)}, {"crest_db", q2(p.crestDb)}, {"level_spread_db", q2(p.levelSpreadDb)},
          {"side_to_mid_db", q2(p.sideToMidDb)},
          {"tail_db", q2(p.tailDb)}, {"phrase_ends", p.phraseEnds}, {"bands", bands}};
}

AudioProfile profileSource(FrameSource& s, int64_t maxFrames) {
  s.rewind();
  analysis::ProfileAnalyzer a(s.sampleRate(), 2);
  const int ch = s.channels();
  std::vector<float> in(static_cast<size_t>(kBlock) * ch), stereo(2 * static_cast<size_t>(kBlock));
  int64_t left = maxFrames < 0 ? s.frames() : std::min(maxFrames, s.frames());
  while (left > 0) {
    const int64_t n = s.read(in.data(), std::min<int64_t>(kBlock, left));
    if (n <= 0) break;
    for (int64_t i = 0; i < n; ++i) {
      const float* f = &in[static_cast<size_t>(i) * ch];
      if (ch == 1) {
        stereo[2 * i] = stereo[2 * i + 1] = f[0];
      } else if (ch == 2) {
        stereo[2 * i] = f[0];
        stereo[2 * i + 1] = f[1];
      } else {
        double sum = 0.0;
        for (int c = 0; c < ch; ++c) sum += f[c];
        stereo[2 * i] = stereo[2 * i + 1] = static_cast<float>(sum / ch);
      }
    }
    a.addFrames(stereo.data(), n);
    left -= n;
  }
  s.rewind();
  return a.finish();
}

// ---- the match --------------------------------------------------------------------------------

MatchResult matchReference(FrameSource& vocal, FrameSource& reference, const MatchAmounts& amounts,
                           const std::string& vocalName, const std::string& referenceName) {
  const int rate = vocal.sampleRate();
  if (rate < kMinSampleRate || rate > kMaxSampleRate) {
    throw MatchError("vocal '" + vocalName + "': sample rate " + std::to_string(rate) +
                     " Hz is outside the supported " + std::to_string(kMinSampleRate) + "–" +
                     std::to_string(kMaxSampleRate) + " Hz");
  }
  // 1. Profiles of the reference and the raw vocal.
  const AudioProfile ref = profileSource(reference);
  if (ref.hasNonFinite) throw MatchError("reference '" + referenceName + "': contains NaN or infinite samples; the file is corrupt");
  if (!ref.hasVoice()) {
    throw MatchError("reference '" + referenceName + "' is silent or too short to match (" +
                     fmt("%.1f", ref.activeSeconds) + " s of audible audio; at least 0.5 s needed)");
  }
  const AudioProfile raw = profileSource(vocal);
  if (raw.hasNonFinite) throw MatchError("vocal '" + vocalName + "': contains NaN or infinite samples; the file is corrupt");
  if (!raw.hasVoice()) {
    throw MatchError("vocal '" + vocalName + "' is silent or too short to match (" +
                     fmt("%.1f", raw.activeSeconds) + " s of audible audio; at least 0.5 s needed)");
  }
  const SpaceMeasure space = ref.sideToMidDb > kStereoSideDb ? SpaceMeasure::Width
                             : ref.phraseEnds >= 2          ? SpaceMeasure::Tail
                                                            : SpaceMeasure::None;
  std::vector<std::string> notes;
  FoldedSource foldedReference(reference);
  const tempo::TempoEstimate tempo = estimateTempo(foldedReference);

  // 2. What every candidate shares: the loudness target and the tempo.
  const double ceiling = ParamSet().get(ParamId::OutputCeiling);
  const ParamSpec& targetSpec = spec(ParamId::OutputTarget);
  const double refLufs = quantise(ref.integratedLufs, 10.0);
  const double targetCap = std::min(targetSpec.max, ceiling - kMatchMaxTargetBelowCeiling);
  const double fitTarget = std::clamp(refLufs, targetSpec.min, targetCap);
  if (refLufs > targetCap) {
    notes.push_back("the reference measures " + fmt("%.1f", refLufs) + " LUFS; the target is capped at " +
                    fmt("%.1f", targetCap) + " LUFS (" + fmt("%.0f", kMatchMaxTargetBelowCeiling) +
                    " LU under the " + fmt("%.1f", ceiling) + " dBTP ceiling) to keep the limiter clean");
  }
  const bool useTempo = tempo.reliable && tempo.bpm >= 40.0 && tempo.bpm <= 240.0;
  auto prepare = [&](ParamSet p) {
    p.set(ParamId::OutputTarget, fitTarget);
    if (useTempo) p.set(ParamId::DelayBpm, tempo.bpm);
    return p;
  };

  // 3. The closest bundled preset, on the excerpt the fit works with.
  ExcerptSource excerpt(vocal, static_cast<int64_t>(kMatchFitSeconds * rate));
  if (excerpt.frames() < vocal.frames()) {
    notes.push_back("the fit listened to the first " + fmt("%.0f", kMatchFitSeconds) + " s of the vocal");
  }
  const Preset* base = nullptr;
  AudioProfile baseProfile;
  Score baseScore;
  json presetScores = json::array();
  for (const Preset& p : bundledPresets()) {
    const AudioProfile prof = renderProfile(excerpt, prepare(p.params));
    const Score s = scoreOf(ref, prof, space);
    json row = scoreJson(s, prof);
    row["name"] = p.name;
    presetScores.push_back(row);
    if (!base || s.total < baseScore.total) {
      base = &p;
      baseProfile = prof;
      baseScore = s;
    }
  }

  // 4. Closed-loop fit from the base preset.
  ParamSet cur = prepare(base->params);
  AudioProfile curProfile = baseProfile;
  ParamSet best = cur;
  AudioProfile bestProfile = baseProfile;
  Score bestScore = baseScore;
  std::vector<SpreadPoint> spreadHistory;
  json rounds = json::array();
  for (int round = 0; round < kMatchRounds; ++round) {
    updateTone(cur, ref, curProfile, rate);
    updateDynamics(cur, ref, curProfile, spreadHistory);
    updateSpace(cur, ref, curProfile, space);
    curProfile = renderProfile(excerpt, cur);
    const Score s = scoreOf(ref, curProfile, space);
    rounds.push_back(scoreJson(s, curProfile));
    if (s.total < bestScore.total) {
      best = cur;
      bestProfile = curProfile;
      bestScore = s;
    }
  }

  // 5. Each aspect from the base preset toward the fit by its amount.
  const ParamSet& b = base->params;
  ParamSet out = b;
  if (useTempo) out.set(ParamId::DelayBpm, tempo.bpm);
  if (amounts.tone > 0.0) {
    out.set(ParamId::EqOn, best.get(ParamId::EqOn));
    for (const EqBand& band : kEqBands) {
      out.set(band.freq, best.get(band.freq));
      if (band.q != ParamId::Count) out.set(band.q, best.get(band.q));
      out.set(band.gain, quantise(blend(b.get(band.gain), best.get(band.gain), amounts.tone), 10.0));
    }
    out.set(ParamId::LpfOn, best.get(ParamId::LpfOn));
    out.set(ParamId::LpfFreq, best.get(ParamId::LpfFreq));
    out.set(ParamId::HpfFreq, quantise(dmath::exp(blend(dmath::log(b.get(ParamId::HpfFreq)),
                                                        dmath::log(best.get(ParamId::HpfFreq)), amounts.tone)), 1.0));
  }
  if (amounts.dynamics > 0.0) {
    out.set(ParamId::CompOn, best.get(ParamId::CompOn));
    out.set(ParamId::CompThresh, quantise(blend(b.get(ParamId::CompThresh), best.get(ParamId::CompThresh), amounts.dynamics), 10.0));
    out.set(ParamId::CompRatio, quantise(blend(b.get(ParamId::CompRatio), best.get(ParamId::CompRatio), amounts.dynamics), 100.0));
  }
  if (amounts.space > 0.0) {
    out.set(ParamId::ReverbOn, best.get(ParamId::ReverbOn));
    for (ParamId id : {ParamId::ReverbSend, ParamId::DelaySend}) {
      out.set(id, quantise(blend(b.get(id), best.get(id), amounts.space), 10.0));
    }
  }
  out.set(ParamId::OutputTarget, quantise(blend(b.get(ParamId::OutputTarget), fitTarget, amounts.loudness), 10.0));

  // 6. What the matched preset gives, measured, and the report.
  const AudioProfile after = out == best ? bestProfile : renderProfile(excerpt, out);
  const Score afterScore = scoreOf(ref, after, space);
  std::array<bool, kProfileBands> use{};
  const auto diff = analysis::envelopeDifferenceDb(baseProfile, ref, &use);

  json changes = json::array();
  std::vector<std::string> summary;
  auto change = [&](ParamId id, const std::string& why) {
    if (out.get(id) == b.get(id)) return;
    changes.push_back({{"param", spec(id).id}, {"from", b.get(id)}, {"to", out.get(id)}, {"why", why}});
  };
  for (const EqBand& band : kEqBands) {
    const double g0 = b.get(band.gain), g1 = out.get(band.gain);
    const double f0 = b.get(band.freq), f1 = out.get(band.freq);
    if (g0 == g1 && f0 == f1) continue;
    if (std::fabs(g1 - g0) < 0.5 && std::fabs(g1) < 0.5 && std::fabs(g0) < 0.5) continue;
    const std::optional<double> d = differenceAt(diff, use, f1);
    std::string line = fmt("%+.1f dB", g1) + " at " + hz(f1) + " (" + band.name + "; " + base->name +
                       " had " + fmt("%+.1f dB", g0) + " at " + hz(f0) + "): ";
    if (!d) {
      line += "beyond the reference's bandwidth; shapes the bands below it";
    } else if (std::fabs(*d) >= 0.5 && (*d > 0.0) == (g1 > g0)) {
      line += std::string("the reference is ") + toneWord(f1, *d > 0.0) + " " + regionName(f1) + " (" +
              fmt("%+.1f dB", *d) + " there against " + base->name + ")";
    } else if (std::fabs(*d) >= 0.5) {
      // The least-squares fit moved this band against the local difference (overlapping bands,
      // the high-pass and the compressor move the curve too). Say so rather than give a reason
      // that reads backwards.
      line += std::string("the reference is ") + toneWord(f1, *d > 0.0) + " " + regionName(f1) + " (" +
              fmt("%+.1f dB", *d) + " there against " + base->name +
              "), but the fit sets the bands, high-pass and compressor together, and the whole curve "
              "matches best with this band " + (g1 > g0 ? "higher" : "lower");
    } else {
      line += std::string("keeps the ") + regionName(f1) + " in balance with the other bands";
    }
    summary.push_back(line);
    change(band.gain, line);
    change(band.freq, line);
    if (band.q != ParamId::Count) change(band.q, line);
  }
  if (out.get(ParamId::LpfOn) != b.get(ParamId::LpfOn) || (out.get(ParamId::LpfOn) >= 0.5 && out.get(ParamId::LpfFreq) != b.get(ParamId::LpfFreq))) {
    const std::optional<double> d = differenceAt(diff, use, out.get(ParamId::LpfFreq));
    const std::string line = out.get(ParamId::LpfOn) >= 0.5
        ? "low-pass at " + hz(out.get(ParamId::LpfFreq)) + ": the reference is darker at the top" +
              (d ? " (" + fmt("%+.1f dB", *d) + " around " + hz(out.get(ParamId::LpfFreq)) + " against " + base->name + ")"
                 : std::string(" (it has little above ") + hz(out.get(ParamId::LpfFreq)) + ")")
        : std::string("low-pass off: the reference keeps its top end");
    summary.push_back(line);
    change(ParamId::LpfOn, line);
    change(ParamId::LpfFreq, line);
  }
  if (out.get(ParamId::HpfFreq) != b.get(ParamId::HpfFreq)) {
    const double f0 = b.get(ParamId::HpfFreq), f1 = out.get(ParamId::HpfFreq);
    const std::string line = "high-pass at " + hz(f1) + " (" + base->name + ": " + hz(f0) + "): the reference has " +
                             (f1 > f0 ? "less" : "more") + " energy below " + hz(std::max(f0, f1) * 1.4142);
    summary.push_back(line);
    change(ParamId::HpfFreq, line);
  }
  if (out.get(ParamId::CompThresh) != b.get(ParamId::CompThresh) || out.get(ParamId::CompRatio) != b.get(ParamId::CompRatio)) {
    const bool more = ref.levelSpreadDb < baseProfile.levelSpreadDb;
    const std::string line =
        "compressor " + fmt("%.1f", out.get(ParamId::CompRatio)) + ":1 from " + fmt("%.1f dB", out.get(ParamId::CompThresh)) +
        " (" + base->name + ": " + fmt("%.1f", b.get(ParamId::CompRatio)) + ":1 from " + fmt("%.1f dB", b.get(ParamId::CompThresh)) +
        "): the reference is " + (more ? "more" : "less") + " compressed (loud moments " +
        fmt("%.1f dB", ref.levelSpreadDb) + " above its typical level against " + fmt("%.1f dB", baseProfile.levelSpreadDb) +
        "; crest factor " + fmt("%.1f dB", ref.crestDb) + " against " + fmt("%.1f dB", baseProfile.crestDb) + ")";
    summary.push_back(line);
    change(ParamId::CompThresh, line);
    change(ParamId::CompRatio, line);
  }
  if (out.get(ParamId::ReverbSend) != b.get(ParamId::ReverbSend)) {
    // The adjective follows the measurement, not the send: after the EQ and compression moves
    // a send can go the "wrong" way and still land the reference's space.
    const bool wetter = space == SpaceMeasure::Width ? ref.sideToMidDb > baseProfile.sideToMidDb
                                                     : ref.tailDb > baseProfile.tailDb;
    const std::string measure = space == SpaceMeasure::Width
        ? "side/mid " + fmt("%.1f dB", ref.sideToMidDb) + " against " + fmt("%.1f dB", baseProfile.sideToMidDb)
        : "reverb tail " + fmt("%.1f dB", ref.tailDb) + " against " + fmt("%.1f dB", baseProfile.tailDb);
    const std::string line = "reverb send " + fmt("%.1f dB", out.get(ParamId::ReverbSend)) + ", delay send " +
                             fmt("%.1f dB", out.get(ParamId::DelaySend)) + " (" + base->name + ": " +
                             fmt("%.1f", b.get(ParamId::ReverbSend)) + " / " + fmt("%.1f dB", b.get(ParamId::DelaySend)) +
                             "): the reference sounds " + (wetter ? "wider and more spacious" : "drier and closer") +
                             " (" + measure + ")";
    summary.push_back(line);
    change(ParamId::ReverbSend, line);
    change(ParamId::DelaySend, line);
    change(ParamId::ReverbOn, line);
  }
  if (out.get(ParamId::OutputTarget) != b.get(ParamId::OutputTarget)) {
    const std::string line = "target " + fmt("%.1f LUFS", out.get(ParamId::OutputTarget)) + " (" + base->name + ": " +
                             fmt("%.1f", b.get(ParamId::OutputTarget)) + "): the reference measures " +
                             fmt("%.1f LUFS", refLufs) + (refLufs > targetCap ? " (capped)" : "");
    summary.push_back(line);
    change(ParamId::OutputTarget, line);
  }
  if (useTempo && out.get(ParamId::DelayBpm) != b.get(ParamId::DelayBpm)) {
    const std::string line = "delay tempo " + fmt("%.2f BPM", tempo.bpm) + ": the reference's beat (confidence " +
                             fmt("%.2f", tempo.confidence) + ")";
    summary.push_back(line);
    change(ParamId::DelayBpm, line);
  } else if (!useTempo) {
    notes.push_back("no clear beat in the reference (tempo confidence " + fmt("%.2f", tempo.confidence) +
                    "): the delay keeps the preset's tempo, or the render detects it from your beat");
  }
  if (space == SpaceMeasure::None) {
    notes.push_back("the reference is mono without pauses: reverb and delay stay as in " + base->name);
  }
  if (summary.empty()) summary.push_back(base->name + " already matches the reference: nothing to change");

  MatchResult result;
  result.preset.name = "matched";
  result.preset.description = "Matched to '" + referenceName + "' (beta), based on " + base->name + ".";
  result.preset.params = out;
  result.report = {
      {"engine_version", VOCALMIX_VERSION},
      {"vocal", vocalName},
      {"reference", referenceName},
      {"base_preset", base->name},
      {"amounts", toJson(amounts)},
      {"space_measure", space == SpaceMeasure::Width ? "side_to_mid" : space == SpaceMeasure::Tail ? "tail" : "none"},
      {"reference_tempo", {{"bpm", tempo.bpm}, {"confidence", tempo.confidence}, {"used", useTempo}}},
      {"target_lufs", out.get(ParamId::OutputTarget)},
      {"reference_profile", toJson(ref)},
      {"vocal_profile", toJson(raw)},
      {"raw_envelope_distance_db", q2(analysis::envelopeDistanceDb(raw, ref))},
      {"presets", presetScores},
      {"before", scoreJson(baseScore, baseProfile)},
      {"rounds", rounds},
      {"after", scoreJson(afterScore, after)},
      {"matched_profile", toJson(after)},
      {"fit_seconds", q2(static_cast<double>(excerpt.frames()) / rate)},
      {"changes", changes},
      {"summary", summary},
      {"notes", notes},
  };
  result.report["before"]["preset"] = base->name;
  return result;
}

}  // namespace vocalmix::render
