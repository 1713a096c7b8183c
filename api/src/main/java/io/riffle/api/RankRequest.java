package io.riffle.api;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /v1/models/{name}/rank}: Thompson sampling over candidate actions. Each
 * action is scored on the union of the context's and its own features (its own win on a name clash)
 * with one posterior draw; the best draw is chosen.
 *
 * @param context features shared by all actions
 * @param actions the candidates (1..{@value #MAX_ACTIONS}), ids unique
 */
public record RankRequest(Map<String, Object> context, List<Action> actions) {
  /** Largest number of candidates. */
  public static final int MAX_ACTIONS = 1000;

  /**
   * One candidate.
   *
   * @param id action id, unique in the request
   * @param features the action's features
   */
  public record Action(String id, Map<String, Object> features) {}

  /** Checks the shape; returns this. */
  public RankRequest validate() {
    if (actions == null || actions.isEmpty()) {
      throw new ApiException(ProblemType.MISSING_FIELD, "rank needs a non-empty 'actions' array");
    }
    if (actions.size() > MAX_ACTIONS) {
      throw new ApiException(
          ProblemType.INVALID_REQUEST,
          actions.size() + " actions; at most " + MAX_ACTIONS + " per request");
    }
    if (context != null) {
      Examples.validateFeatures(context);
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < actions.size(); i++) {
      Action a = actions.get(i);
      if (a == null || a.id() == null || a.id().isEmpty()) {
        throw new ApiException(ProblemType.MISSING_FIELD, "actions[" + i + "] has no 'id'");
      }
      if (!ids.add(a.id())) {
        throw new ApiException(
            ProblemType.INVALID_REQUEST, "action id '" + a.id() + "' appears twice");
      }
      if (a.features() != null) {
        Examples.validateFeatures(a.features());
      }
    }
    return this;
  }
}
