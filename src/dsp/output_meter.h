// OutputMeter — the preview's live meters on the stereo output: short-term loudness (BS.1770
// K-weighting, 3 s window, in 100 ms steps) and true peak (4× oversampled, two half-band
// stages), held until read. The delivered file is measured by analysis::LoudnessMeter instead;
// this is the cheap, allocation-free version for the audio thread. Cost ~30 ns per stereo frame.
#pragma once

#include <array>

#include "dsp/biquad.h"

namespace vocalmix {

class OutputMeter {
 public:
  void prepare(double sampleRate, int maxBlock);
  void reset();
  void process(const double* left, const double* right, int n);
  // Short-term loudness in LUFS over the last 3 s (-200 before any signal).
  double shortTermLufs() const;
  // Highest true peak in dBTP since the last call (then starts a new hold).
  double takeTruePeakDb();

  static constexpr int kBlocks = 30;  // 30 × 100 ms = the 3 s short-term window

 private:
  struct Oversampler {
    double up1[64] = {};  // stage 1 history (fs), doubled ring
    double up2[24] = {};  // stage 2 history (2·fs), doubled ring
    int pos1 = 0, pos2 = 0;
    double peak(double x, const double* a, const double* b);
  };

  double sampleRate_ = 48000.0;
  Biquad shelf_[2], highPass_[2];
  std::array<double, kBlocks> blocks_{};  // mean-square sums of completed 100 ms blocks
  int blockLength_ = 4800, blockFill_ = 0, blockIndex_ = 0, blocksSeen_ = 0;
  double blockSum_ = 0.0;
  double coef1_[16] = {}, coef2_[6] = {};
  Oversampler os_[2];
  double peak_ = 0.0;
};

}  // namespace vocalmix
