// Test-vocal generator (test material only; std:: math is fine here).
#include "support/test_vocal.h"

#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace vocalmix::testing {

namespace {
constexpr const char* kDir = "/usr/share/sounds/alsa";
constexpr const char* kClips[] = {"Front_Center", "Front_Left", "Front_Right", "Rear_Center",
                                  "Rear_Left",    "Rear_Right", "Side_Left",   "Side_Right"};
constexpr double kPi = 3.14159265358979323846;

std::vector<float> loadMono(const std::string& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (!f) throw std::runtime_error("test material missing: " + path + " (install alsa-utils)");
  std::vector<float> inter(static_cast<size_t>(info.frames) * info.channels);
  sf_readf_float(f, inter.data(), info.frames);
  sf_close(f);
  std::vector<float> mono(info.frames);
  for (sf_count_t i = 0; i < info.frames; ++i) mono[i] = inter[i * info.channels];
  return mono;
}
}  // namespace

bool speechAvailable() { return std::filesystem::exists(std::string(kDir) + "/Front_Center.wav"); }

TestVocalGenerator::TestVocalGenerator(const TestVocalOptions& o) : o_(o), rng_(o.seed * 0x9E3779B97F4A7C15ULL + 1) {
  double natural = 0;
  for (const char* c : kClips) {
    clips_.push_back(loadMono(std::string(kDir) + "/" + c + ".wav"));
    natural += clips_.back().size() / 48000.0 + o.pauseSeconds;
  }
  const double seconds = o.seconds > 0 ? o.seconds : natural + o.pauseSeconds;
  total_ = static_cast<int64_t>(std::llround(seconds * o.sampleRate));
  pauseLeft_ = static_cast<int64_t>(o.pauseSeconds * o.sampleRate);  // start with a pause
}

int TestVocalGenerator::next(float* out, int frames, uint8_t* voiced) {
  const double step = 48000.0 / o_.sampleRate;
  const double noiseGain = std::pow(10.0, o_.noiseDbfs / 20.0) / 0.11;  // pink filter RMS ≈ 0.11 for unit white
  const double humGain = std::pow(10.0, o_.humDbfs / 20.0) * std::sqrt(2.0) / std::sqrt(1 + 0.25 + 0.0625);
  const double right = std::pow(10.0, o_.rightGainDb / 20.0);
  int made = 0;
  for (; made < frames && pos_ < total_; ++made, ++pos_) {
    double v = 0.0;
    bool isVoiced = false;
    if (pauseLeft_ > 0) {
      --pauseLeft_;
    } else {
      const auto& c = clips_[clip_];
      const size_t i = static_cast<size_t>(clipPos_);
      const double frac = clipPos_ - i;
      v = c[i] + frac * ((i + 1 < c.size() ? c[i + 1] : 0.0f) - c[i]);
      isVoiced = true;
      clipPos_ += step;
      if (clipPos_ >= c.size() - 1) {
        clipPos_ = 0;
        clip_ = (clip_ + 1) % clips_.size();
        pauseLeft_ = static_cast<int64_t>(o_.pauseSeconds * o_.sampleRate);
      }
    }
    // Pink noise: Paul Kellet's economy filter over xorshift white noise.
    rng_ ^= rng_ << 13; rng_ ^= rng_ >> 7; rng_ ^= rng_ << 17;
    const double w = (static_cast<double>(rng_ >> 11) / 9007199254740992.0) * 2.0 - 1.0;
    pink_[0] = 0.99886 * pink_[0] + w * 0.0555179;
    pink_[1] = 0.99332 * pink_[1] + w * 0.0750759;
    pink_[2] = 0.96900 * pink_[2] + w * 0.1538520;
    pink_[3] = 0.86650 * pink_[3] + w * 0.3104856;
    pink_[4] = 0.55000 * pink_[4] + w * 0.5329522;
    pink_[5] = -0.7616 * pink_[5] - w * 0.0168980;
    const double pink = (pink_[0] + pink_[1] + pink_[2] + pink_[3] + pink_[4] + pink_[5] + pink_[6] + w * 0.5362) * 0.11;
    pink_[6] = w * 0.115926;
    const double t = static_cast<double>(pos_) / o_.sampleRate;
    const double hum = humGain * (std::sin(2 * kPi * 50 * t) + 0.5 * std::sin(2 * kPi * 100 * t) + 0.25 * std::sin(2 * kPi * 150 * t));
    const double s = v + noiseGain * pink + hum;
    if (o_.channels == 1) {
      out[made] = static_cast<float>(s);
    } else {
      out[made * o_.channels] = static_cast<float>(s);
      for (int ch = 1; ch < o_.channels; ++ch) out[made * o_.channels + ch] = static_cast<float>(s * right);
    }
    if (voiced) voiced[made] = isVoiced ? 1 : 0;
  }
  return made;
}

TestVocal makeTestVocal(const TestVocalOptions& o) {
  TestVocalGenerator g(o);
  TestVocal v;
  v.sampleRate = o.sampleRate;
  v.channels = o.channels;
  v.samples.resize(static_cast<size_t>(g.totalFrames()) * o.channels);
  v.voiced.resize(g.totalFrames());
  g.next(v.samples.data(), static_cast<int>(g.totalFrames()), v.voiced.data());
  return v;
}

void writeTestVocal(const std::string& path, const TestVocalOptions& o, bool float32) {
  TestVocalGenerator g(o);
  SF_INFO info{};
  info.samplerate = o.sampleRate;
  info.channels = o.channels;
  info.format = SF_FORMAT_WAV | (float32 ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_24);
  if (g.totalFrames() * o.channels * 4 > 0xFFFFFFF0LL) info.format = SF_FORMAT_RF64 | (float32 ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_24);
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f) throw std::runtime_error("cannot write " + path + ": " + sf_strerror(nullptr));
  std::vector<float> buf(8192 * o.channels);
  for (int n; (n = g.next(buf.data(), 8192)) > 0;) sf_writef_float(f, buf.data(), n);
  sf_close(f);
}

void writeSilentWav(const std::string& path, int channels, double seconds, int sampleRate) {
  SF_INFO info{};
  info.samplerate = sampleRate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f) throw std::runtime_error("cannot write " + path + ": " + sf_strerror(nullptr));
  const auto frames = static_cast<sf_count_t>(seconds * sampleRate);
  const std::vector<float> zeros(static_cast<size_t>(frames) * channels, 0.0f);
  const sf_count_t written = sf_writef_float(f, zeros.data(), frames);
  sf_close(f);
  if (written != frames) throw std::runtime_error("short write to " + path);
}

}  // namespace vocalmix::testing
