package io.riffle.api;

import java.util.Map;

/**
 * One labeled example, as every source delivers it (a JSON object over HTTP, an NDJSON line, an
 * event-bus message, a Kafka record value).
 *
 * <pre>{"id": "e1", "features": {"site": "a.com", "price": 0.3, "tags": ["x", "y"]},
 *  "label": 1, "weight": 1.0}</pre>
 *
 * <p>Feature values: a string is categorical, a number numeric, a boolean categorical ({@code
 * "true"}/{@code "false"}), an array of strings a bag of tokens; for a dense model the vector is
 * the array of numbers under {@code "vector"}. Validated by {@link Examples#validate}.
 *
 * @param id optional client id (echoed in errors)
 * @param features feature name to value
 * @param label a number (0/1 for binary, the value for regression, the class index for multiclass)
 *     or a class name for a multiclass model with named classes
 * @param weight importance weight {@code >= 0}; default 1
 */
public record Example(String id, Map<String, Object> features, Object label, Double weight) {

  /** The weight, 1 when absent. */
  public double weightOrDefault() {
    return weight == null ? 1.0 : weight;
  }
}
