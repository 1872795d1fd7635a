// K-weighting per ITU-R BS.1770-4: a high shelf (+4 dB above ~1.7 kHz) then the RLB high-pass
// (~38 Hz), designed for any rate from the standard's analogue parameters by the bilinear
// transform (the values libebur128 and most meters use). Shared by the live OutputMeter and the
// offline IntegratedLoudness meter.
#pragma once

#include "dsp/biquad.h"

namespace vocalmix {

BiquadCoefficients kWeightingShelf(double sampleRate);
BiquadCoefficients kWeightingHighPass(double sampleRate);

}  // namespace vocalmix
