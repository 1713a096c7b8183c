package io.riffle.load.gatling;

import io.riffle.load.gen.Example;
import io.riffle.load.gen.RankCase;
import io.riffle.load.gen.StreamGenerator;
import io.riffle.load.gen.StreamSpec;
import io.riffle.load.gen.WireJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Endless Gatling feeders over the synthetic stream; each is synchronized (users share it). */
final class Feeders {
  private Feeders() {}

  /** {@code body}: an NDJSON batch of {@code batch} examples. */
  static Iterator<Map<String, Object>> ndjsonBatches(StreamSpec spec, int batch) {
    StreamGenerator g = new StreamGenerator(spec);
    return new Feed(
        () -> {
          List<Example> list = new ArrayList<>(batch);
          for (int i = 0; i < batch; i++) {
            list.add(g.next());
          }
          return Map.of("body", WireJson.ndjson(list));
        });
  }

  /**
   * {@code predictBody} (features, {@code samples} posterior samples when > 0, 5% and 95%
   * quantiles), {@code label} (drawn from the true probability) and {@code trueP}.
   */
  static Iterator<Map<String, Object>> predictions(StreamSpec spec, int samples) {
    StreamGenerator g = new StreamGenerator(spec);
    return new Feed(
        () -> {
          Example e = g.next();
          String body =
              samples > 0
                  ? WireJson.predict(e.features(), samples, 0.05, 0.95)
                  : WireJson.predict(e.features(), 0);
          return Map.of("predictBody", body, "label", e.label(), "trueP", e.trueProbability());
        });
  }

  /**
   * {@code rankBody}, {@code trueP} (action id to true probability), {@code best} (the oracle's
   * probability) and {@code u} (a uniform draw: the label of the chosen action is {@code u <
   * trueP(chosen)}, so it follows the ground truth).
   */
  static Iterator<Map<String, Object>> rankCases(StreamSpec spec, int actions) {
    StreamGenerator g = new StreamGenerator(spec);
    SplittableRandom labels = new SplittableRandom(spec.seed() * 31 + 7);
    return new Feed(
        () -> {
          RankCase c = g.nextRankCase(actions);
          Map<String, Double> p = new HashMap<>();
          for (RankCase.Action a : c.actions()) {
            p.put(a.id(), a.trueProbability());
          }
          return Map.of(
              "rankBody",
              WireJson.rank(c),
              "trueP",
              Map.copyOf(p),
              "best",
              c.bestProbability(),
              "u",
              labels.nextDouble());
        });
  }

  private static final class Feed implements Iterator<Map<String, Object>> {
    private final java.util.function.Supplier<Map<String, Object>> next;

    Feed(java.util.function.Supplier<Map<String, Object>> next) {
      this.next = next;
    }

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public synchronized Map<String, Object> next() {
      return next.get();
    }
  }
}
