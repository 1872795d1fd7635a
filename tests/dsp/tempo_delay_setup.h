// A TempoDelay set up for the tests, at 48 kHz, for blocks of up to 4096 frames.
#pragma once

#include "dsp/tempo_delay.h"
#include "dsp/test_signals.h"

namespace vocalmix::test {

inline TempoDelay makeDelay(double bpm, NoteValue note, double feedback, double hp = 20.0,
                            double lp = 20000.0, bool pingPong = false) {
  TempoDelay d;
  d.setBpm(bpm);
  d.setNote(note);
  d.setFeedback(feedback);
  d.setHighPass(Hz{hp});
  d.setLowPass(Hz{lp});
  d.setPingPong(pingPong);
  d.prepare(kFs, 4096);
  return d;
}

}  // namespace vocalmix::test
