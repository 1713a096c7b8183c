package io.riffle.api;

import java.util.List;

/**
 * Several examples sent together (the event bus's in-JVM message of {@code riffle.examples.*}).
 *
 * @param examples the examples, in order
 */
public record ExampleBatch(List<Example> examples) {
  public ExampleBatch {
    examples = List.copyOf(examples);
  }
}
