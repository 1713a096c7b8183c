package io.riffle.optim.tools;

import java.util.function.Consumer;

/** The reference's {@code yellowfin} and {@code closedloop} commands (placeholder). */
final class YellowFinCommand {
  private YellowFinCommand() {}

  static void yellowfin(int steps, long seed, Consumer<String> out) {
    throw new IllegalArgumentException("yellowfin is not implemented yet");
  }

  static void closedLoop(int steps, long seed, int tau, Consumer<String> out) {
    throw new IllegalArgumentException("closedloop is not implemented yet");
  }
}
