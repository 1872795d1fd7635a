// AudioProfile — what "Match a reference" compares between a reference and a vocal: the tonal
// envelope in 1/3-octave bands over the voice-active parts, loudness and loudness range, crest
// factor, a measure of space (stereo width of the wet signal and the reverb tail after phrase
// ends), computed while streaming. Deterministic (RealFft, dmath, fixed
// summation orders), so the WASM build reads the same numbers as the native one.
//
// Definitions (mid = (L+R)/2, side = (L−R)/2; mono input counts as L = R):
// - Hops of H = N/4 samples, N = the power of two ≥ rate/12 (4096 at 48 kHz: ~12 Hz bins,
//   21 ms hops). Hop level = mean square of mid over the hop.
// - Voice-active hops: level ≥ max(p95 − 30 dB, min(p10 + 10 dB, p95 − 12 dB)) of the hop
//   levels (digital silence excluded): loud parts of the voice, not pauses, noise or tails.
// - bandDb[b]: the mean over the voice-active FFT frames (Hann, N points, hop H; a frame is
//   active when the mean level of its four hops passes the threshold) of the level in dB of the
//   bins inside the 1/3-octave band b (centre 1000·2^((b−12)/3) Hz, 63 Hz … 16 kHz, edges
//   ×2^(±1/6)), floored 100 dB under the frame's total. Averaging levels (not power) makes the
//   envelope a measure of tone alone: an EQ moves it by exactly the EQ's response, and a gain
//   that changes from frame to frame (a compressor, a fade) moves every band alike, which the
//   level alignment of the comparison removes. Only differences between bands mean anything. A band is
//   valid when its upper edge is below 0.45·rate and it is no more than 60 dB below the loudest
//   band, and below the recording's bandwidth edge: above 1 kHz, the first band more than 9 dB
//   under the band below it (a steeper fall than any voice or mix has: a codec's lowpass or a low
//   sample rate) and every band above it are left out. So a band-limited reference (a 22 kHz
//   recording, a lowpassed MP3) is compared only where it has content.
// - crestDb: 95th percentile of the active hops' sample peaks over the RMS of the active hops.
// - levelSpreadDb: p95 − p50 of the active hops' levels: how far the loud moments stand above the
//   typical level, 21 ms at a time — the short-term dynamics a compressor controls. (The crest
//   factor also moves with the tone: filtering changes a waveform's peak-to-RMS ratio.)
// - sideToMidDb: stereo width of what is not the centred (or panned) source — the energy of the
//   side signal left after removing its projection onto the mid (a pan or an L/R imbalance is
//   a scaled copy of the mid; reverb, delays and stereo instruments are not), over the mid
//   energy, across the whole file. kFloorDb when L = R or one is a scaled copy of the other
//   (within 90 dB).
// - tailDb: reverb tail — mean energy 50–300 ms after each phrase end (≥ 3 hops within 15 dB of
//   p95, then one below; the window stops at the next such hop), minus the noise floor (p10 hop
//   level), relative to those last three hops; averaged over phrase ends (linear), floored at
//   −60 dB. kFloorDb when there is no phrase end (continuous music).
// Memory: 25 floats per hop (~4.6 kB per second at 48 kHz). Cost: one N-point FFT per hop.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "analysis/loudness_meter.h"
#include "analysis/quality_report.h"  // kFloorDb
#include "dsp/denoiser.h"              // RealFft

namespace vocalmix::analysis {

inline constexpr int kProfileBands = 25;
double profileBandCentreHz(int band);

struct AudioProfile {
  int sampleRate = 0;
  double durationSeconds = 0.0;
  std::array<double, kProfileBands> bandDb{};
  std::array<bool, kProfileBands> bandValid{};
  int activeHops = 0;
  double activeSeconds = 0.0;
  double integratedLufs = kFloorDb;  // BS.1770, the two channels as given
  double lra = 0.0;
  double activeRmsDb = kFloorDb;     // 10·log10 of the active hops' mean square (mid)
  double noiseFloorDb = kFloorDb;    // p10 hop level
  double crestDb = 0.0;
  double levelSpreadDb = 0.0;
  double sideToMidDb = kFloorDb;
  double tailDb = kFloorDb;
  int phraseEnds = 0;
  bool hasNonFinite = false;  // NaN/Inf samples were seen (and measured as 0)

  // Enough voice-active audio to compare (at least 0.5 s, and measurable loudness).
  bool hasVoice() const { return activeSeconds >= 0.5 && integratedLufs > -70.0; }
};

// Streams stereo (or mono) interleaved float frames. Non-finite samples count as 0.
class ProfileAnalyzer {
 public:
  // Throws std::invalid_argument for channels outside 1..2 or a rate outside 8000..384000 Hz.
  ProfileAnalyzer(int sampleRate, int channels);
  void addFrames(const float* interleaved, int64_t frames);
  AudioProfile finish() const;

 private:
  void analyseFrame();

  int sampleRate_, channels_;
  int fftSize_, hop_;
  LoudnessMeter meter_;
  RealFft fft_;
  std::vector<double> window_, ring_, frame_, re_, im_;
  std::vector<int> bandFirstBin_, bandLastBin_;  // inclusive; first > last when empty
  int ringPos_ = 0;
  int64_t seen_ = 0;
  // Per hop.
  double hopEnergy_ = 0.0, hopPeak_ = 0.0;
  int hopFill_ = 0;
  std::vector<float> hopMeanSquare_, hopPeakAbs_;
  // Per FFT frame (one per hop once N samples are in): band powers, frame j ends at hop j+3.
  std::vector<float> framePower_;
  double midEnergy_ = 0.0, sideEnergy_ = 0.0, midSide_ = 0.0;
  int64_t frames_ = 0;
  bool nonFinite_ = false;
  std::vector<float> finite_;
};

// The envelope distance of the match: over the bands valid in both profiles, the RMS of the dB
// differences after removing their mean (the overall level is compared separately, as LUFS).
// 0 when fewer than three bands are comparable.
double envelopeDistanceDb(const AudioProfile& a, const AudioProfile& b);

// (b − a) per band with the mean over the common valid bands removed; 0 where not comparable.
std::array<double, kProfileBands> envelopeDifferenceDb(const AudioProfile& a, const AudioProfile& b,
                                                       std::array<bool, kProfileBands>* common = nullptr);

}  // namespace vocalmix::analysis
