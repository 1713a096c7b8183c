package io.riffle.load.gen;

import java.util.List;
import java.util.Map;

/**
 * A ranking request drawn from the stream: one context and several candidate actions, each with the
 * ground truth's probability that choosing it earns label 1.
 *
 * @param index stream index the truth was evaluated at
 * @param context the non-action fields
 * @param actions the candidates
 */
public record RankCase(long index, Map<String, Object> context, List<Action> actions) {

  /**
   * One candidate.
   *
   * @param id action id, {@code a0, a1, ...}
   * @param features the action fields
   * @param trueProbability probability of label 1 for the context and these features together
   */
  public record Action(String id, Map<String, Object> features, double trueProbability) {}

  /** The action with the given id, or an exception naming the known ids. */
  public Action action(String id) {
    for (Action a : actions) {
      if (a.id().equals(id)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "no action " + id + " in " + actions.stream().map(Action::id).toList());
  }

  /** The largest true probability among the actions (what an oracle would earn). */
  public double bestProbability() {
    double best = 0;
    for (Action a : actions) {
      best = Math.max(best, a.trueProbability());
    }
    return best;
  }
}
