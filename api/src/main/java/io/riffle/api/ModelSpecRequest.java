package io.riffle.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code PUT /v1/models/{name}}: everything but {@code kind} has a default, so {@code
 * {"kind": "binary"}} is a working model.
 *
 * <pre>{"kind": "binary", "bits": 20, "shards": 2,
 *  "text": ["subject", "body"], "textWeighting": "binary", "interactions": [["site", "device"]],
 *  "optimizer": {"name": "ftrl", "learning_rate": 0.1, "lamda1": 1.0},
 *  "schedule": {"name": "factor", "step": 1000, "factor": 0.9},
 *  "posterior": {"method": "sgld"},
 *  "snapshotEvery": {"examples": 20000, "seconds": 60}}</pre>
 *
 * @param kind {@code binary}, {@code regression}, {@code multiclass} or {@code dense}
 * @param loss binary: {@code logistic} (default) or {@code hinge}; regression: {@code squared}
 *     (default), {@code quantile} or {@code poisson}; multiclass: {@code softmax}; dense: any of
 *     them (default {@code logistic})
 * @param tau quantile level for {@code quantile} loss (default 0.5)
 * @param classes multiclass: the number of classes, or an array of class names
 * @param dim dense: the vector length
 * @param bits hashed space {@code 2^bits} (1..30, default 18)
 * @param seed hashing seed (default 0)
 * @param shards shard count (default 1)
 * @param text fields to tokenize: an array of names (words only) or an object name to n-gram order
 *     (1..3)
 * @param textWeighting value of a text token or n-gram occurring {@code c} times in a field: {@code
 *     count} ({@code c}, default), {@code log} ({@code 1 + ln c}) or {@code binary} (1)
 * @param textNorm {@code none} (default) or {@code l2}: scale each text field's features to unit
 *     Euclidean norm
 * @param interactions crosses of 2 or 3 field names
 * @param bias constant bias feature (default true)
 * @param optimizer {@code name} (default {@code ftrl}) and MXNet hyperparameters flat beside it
 * @param schedule {@code name} of an lr schedule and its parameters flat beside it
 * @param posterior {@code method} ({@code sgld}) and {@code priorPrecision}, {@code temperature},
 *     {@code stepScale}, {@code burnIn}, {@code horizon}, {@code seed}
 * @param snapshotEvery snapshot trigger (examples and/or seconds)
 * @param aggregate examples per optimizer step (default 1: one step per example)
 * @param precision {@code float32} (default) or {@code float64}
 * @param replay replay window: {@code maxBytes}, {@code holdoutFraction}
 * @param refine scheduled refinement settings (stored with the model)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpecRequest(
    String kind,
    String loss,
    Double tau,
    JsonNode classes,
    Integer dim,
    Integer bits,
    Integer seed,
    Integer shards,
    JsonNode text,
    String textWeighting,
    String textNorm,
    List<List<String>> interactions,
    Boolean bias,
    Map<String, Object> optimizer,
    Map<String, Object> schedule,
    Map<String, Object> posterior,
    SnapshotEvery snapshotEvery,
    Integer aggregate,
    String precision,
    Map<String, Object> replay,
    Map<String, Object> refine) {

  /**
   * When to snapshot: after {@code examples} new examples and/or every {@code seconds}.
   *
   * @param examples examples since the last snapshot, or null
   * @param seconds seconds since the last snapshot, or null
   */
  public record SnapshotEvery(Long examples, Double seconds) {}
}
