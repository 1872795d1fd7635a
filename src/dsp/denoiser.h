// Denoiser — STFT spectral noise reduction for the vocal (the product's "clean vocals" promise).
// sqrt-Hann analysis/synthesis at 50 % overlap (~21 ms frames), decision-directed a-priori SNR
// (Ephraim–Malah) driving a Wiener gain floored at −reduction dB, smoothed in time and across
// bins so the residual is quieter noise, not musical tones. The noise spectrum comes from a fixed
// whole-file profile (NoiseProfileEstimator) or, without one, from minimum statistics over ~1.5 s.
// Cost: one real FFT + inverse (RealFft, double) per fftSize()/2 samples plus O(bins) per frame,
// ~20 ns/sample at 48 kHz (~65 when the loops were scalar). Outside the FFT the per-sample and
// per-bin loops run two lanes at a time (Pair) without data-dependent branches, each lane doing
// the scalar formula's operations in its order, so the output bits are those of the scalar code:
// at 48 kHz ≈ 37 k instructions per 1024-point frame (windowing, gains, overlap-add) and ≈ 7 per
// sample for the host loop (callgrind; 78 k and 39 when scalar). Latency: fftSize() − 1 samples
// (1023 at 44.1/48 kHz).
#pragma once

#include <memory>
#include <vector>

#include "dsp/real_fft.h"
#include "dsp/smoothed.h"
#include "dsp/units.h"

namespace vocalmix {

// The STFT geometry both classes share: fft ≈ 21 ms rounded to a power of two (both hop by
// fft/2).
int denoiserFftSize(double sampleRate);

class Denoiser {
 public:
  Denoiser();  // reduction defaults to 12 dB (the schema default)
  void prepare(double sampleRate, int maxBlock);
  void reset();  // clears signal state and the online estimate, keeps the noise profile
  // 0..40 dB; 0 = transparent (delayed input). Glides over 50 ms; a value set before prepare()
  // or followed by reset() applies at once.
  void setReduction(Decibels maxReduction);
  // Fixed noise power per bin (size fftSize()/2+1, from NoiseProfileEstimator at the same rate);
  // an empty vector means "no profile" (the online estimate). Call outside process().
  void setNoiseProfile(const std::vector<double>& binPower);
  void clearNoiseProfile();
  void process(double* x, int n);
  int latency() const { return fftSize_ > 0 ? fftSize_ - 1 : 0; }
  int fftSize() const { return fftSize_; }

 private:
  void processFrame();
  void trackSilence(const double* in, int n);
  void trackNoise();
  void restartTracker();
  void useProfile();
  void computeGains(double floorGain);

  RealFft fft_;
  int fftSize_ = 0, hop_ = 0, bins_ = 0, mask_ = 0;
  std::vector<double> window_;       // sqrt-Hann, analysis
  std::vector<double> synthWindow_;  // sqrt-Hann × overlap-add and inverse-FFT normalisation
  // inRing_[p] holds the input at ring position p; olaRing_[(p + 1) & mask_] the output
  // accumulating for it. The one-slot shift puts each frame's overlap-add on the hop grid (it
  // starts with the slot read right after the frame), so the pair loops stay aligned.
  std::vector<double> inRing_, olaRing_, frame_, re_, im_;
  int pos_ = 0, hopFill_ = 0;  // ring position of the next sample; pos_ ≡ hopFill_ (mod hop_)

  // Per-bin spectral state. These, re_/im_ and the online estimate's arrays have one spare lane
  // after the last bin (bins_ is odd), so the pair loops need no scalar tail; the spare lane
  // holds finite values that never reach a real bin.
  std::vector<double> power_;         // |X|² of the current frame
  std::vector<double> inverseNoise_;  // 1/λ, the noise power in use (divided once, not per frame)
  std::vector<double> prevClean_;     // |G·X|² of the previous frame (decision-directed term)
  std::vector<double> gainState_;     // time-smoothed gain
  std::vector<double> gain_;          // after smoothing across bins, applied to X
  std::vector<double> posterior_;     // |X|²/λ, mirrored by 2 bins at each end (+ spare lane)

  // Fixed profile (empty = online minimum statistics).
  std::vector<double> profile_;

  // Online estimate: minimum of the smoothed power over kSubWindows sub-windows.
  std::vector<double> smoothPower_, subMin_, windowMin_, subMinRing_;
  double smoothCoeff_ = 0.0;
  int subLength_ = 1, subFill_ = 0, subIndex_ = 0;
  bool tracking_ = false;  // smoothPower_ initialised
  // Samples since the last run of digital silence: frames that overlap silence (start-up,
  // edited gaps) would drag the minimum to zero, so the tracker skips them.
  int zeroRun_ = 0, sinceSilence_ = 0;

  double attackCoeff_ = 1.0, releaseCoeff_ = 1.0;
  Smoothed reductionDb_;  // glides per frame
};

// Whole-file noise profile with the same frame size and window as Denoiser (hop fft/2): push
// every sample, then profile() is the per-bin mean power of the quietest ~10 % of full frames,
// ranked by the level of the ~100 ms around each frame (frames near digital silence, below
// −150 dBFS, are ignored). Memory is bounded whatever the file length: frames are binned by
// level in 1 dB buckets that each keep a spectrum sum. Deterministic. Needs ≥ ~0.1 s of audio
// to give a profile.
class NoiseProfileEstimator {
 public:
  void prepare(double sampleRate);
  void push(const double* x, int n);
  std::vector<double> profile() const;  // empty if nothing usable was seen
  int fftSize() const { return fftSize_; }

 private:
  void analyseFrame();

  RealFft fft_;
  int fftSize_ = 0, hop_ = 0, bins_ = 0, mask_ = 0;
  std::vector<double> window_, ring_, frame_, re_, im_;
  int pos_ = 0, seen_ = 0, hopFill_ = 0;
  int context_ = 1;                  // frames in the ranking window (odd)
  long long frames_ = 0;             // full frames analysed so far
  std::vector<double> recentPower_;  // context_ × bins spectra, ring
  std::vector<double> recentLevel_;  // their mean squares (−1 = digital silence)
  std::vector<double> bucketSum_;    // kLevelBuckets × bins power sums
  std::vector<long long> bucketCount_;
};

}  // namespace vocalmix
