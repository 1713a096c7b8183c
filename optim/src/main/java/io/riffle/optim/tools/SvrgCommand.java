package io.riffle.optim.tools;

import java.util.function.Consumer;

/** The reference's {@code svrg} command (placeholder until the SVRG package lands). */
final class SvrgCommand {
  private SvrgCommand() {}

  static void run(
      int epochs, long seed, int batchSize, int updateFreq, boolean reset, Consumer<String> out) {
    throw new IllegalArgumentException("svrg is not implemented yet");
  }
}
