package io.riffle.optim.svrg;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link FullGradientAggregator} for participants inside one JVM: devices driven by one thread
 * (push all, then pull all) or workers on separate threads (each pushes, then pulls; {@link #pull}
 * waits for the other pushes with {@link Object#wait()}).
 *
 * <p>The sum is formed in participant order, {@code ((mu_0 + mu_1) + mu_2) + ...}, once the last
 * push of a round arrives, so the result does not depend on thread timing (and matches the
 * reference's {@code np.sum(device_mus, axis=0)} order).
 *
 * <p>Memory per key: {@code (D + 1) * length} doubles (one slot per participant plus the sum),
 * allocated on the key's first push and reused by later rounds. Thread-safe; one monitor.
 */
public final class InJvmFullGradientAggregator implements FullGradientAggregator {
  private final int participants;
  private final Map<String, Round> rounds = new HashMap<>();

  /** An aggregator for {@code participants >= 1} participants. */
  public InJvmFullGradientAggregator(int participants) {
    if (participants < 1) {
      throw new IllegalArgumentException("participants=" + participants + " must be >= 1");
    }
    this.participants = participants;
  }

  @Override
  public int participants() {
    return participants;
  }

  @Override
  public synchronized void push(String key, int participant, double[] partial) {
    checkKey(key);
    checkParticipant(participant);
    Round r = rounds.get(key);
    if (r == null) {
      r = new Round(participants, partial.length);
      rounds.put(key, r);
    }
    if (partial.length != r.sum.length) {
      throw new IllegalArgumentException(
          key + ": pushed " + partial.length + " values, the key holds " + r.sum.length);
    }
    // the previous round must be fully pulled before this participant may contribute again
    while (r.pushed[participant]) {
      awaitChange();
    }
    System.arraycopy(partial, 0, r.slots[participant], 0, partial.length);
    r.pushed[participant] = true;
    r.pushes++;
    if (r.pushes == participants) {
      java.util.Arrays.fill(r.sum, 0.0);
      for (int d = 0; d < participants; d++) {
        double[] s = r.slots[d];
        for (int i = 0; i < s.length; i++) {
          r.sum[i] += s[i];
        }
      }
      notifyAll();
    }
  }

  @Override
  public synchronized void pull(String key, int participant, double[] out) {
    checkKey(key);
    checkParticipant(participant);
    Round r = rounds.get(key);
    if (r == null || !r.pushed[participant]) {
      throw new IllegalStateException(
          "participant " + participant + " pulls " + key + " without having pushed this round");
    }
    if (out.length != r.sum.length) {
      throw new IllegalArgumentException(
          key + ": pull into " + out.length + " values, the key holds " + r.sum.length);
    }
    while (r.pushes < participants) {
      awaitChange();
    }
    if (r.pulled[participant]) {
      throw new IllegalStateException(
          "participant " + participant + " pulled " + key + " twice in one round");
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = r.sum[i] / participants;
    }
    r.pulled[participant] = true;
    r.pulls++;
    if (r.pulls == participants) {
      // round complete: open the next one
      java.util.Arrays.fill(r.pushed, false);
      java.util.Arrays.fill(r.pulled, false);
      r.pushes = 0;
      r.pulls = 0;
      notifyAll();
    }
  }

  private void awaitChange() {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for other participants", e);
    }
  }

  private static void checkKey(String key) {
    if (!FullGradientAggregator.isFullKey(key)) {
      throw new IllegalArgumentException(
          "\"" + key + "\" is not a full-gradient key (expected suffix " + SUFFIX + ")");
    }
  }

  private void checkParticipant(int p) {
    if (p < 0 || p >= participants) {
      throw new IllegalArgumentException("participant=" + p + " outside 0.." + (participants - 1));
    }
  }

  private static final class Round {
    final double[][] slots;
    final double[] sum;
    final boolean[] pushed;
    final boolean[] pulled;
    int pushes;
    int pulls;

    Round(int d, int length) {
      slots = new double[d][length];
      sum = new double[length];
      pushed = new boolean[d];
      pulled = new boolean[d];
    }
  }
}
