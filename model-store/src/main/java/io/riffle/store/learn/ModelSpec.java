package io.riffle.store.learn;

import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.Precision;
import io.riffle.optim.schedule.LrSchedulers;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.posterior.PosteriorSpec;
import io.riffle.store.replay.ReplayOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines a model: what it predicts, how features are hashed, how it is sharded and
 * learned, its posterior and its replay window. Immutable and validated when built (the optimizer
 * and schedule are built once to check their hyperparameters); stored in every snapshot manifest as
 * JSON (Jackson writes and reads the record components by name).
 *
 * @param kind model kind and loss
 * @param hashing feature hashing ({@code bits}, seed, text fields, interactions)
 * @param shards number of shards {@code S >= 1}
 * @param optimizer optimizer name (registry, case-insensitive)
 * @param optimizerParams MXNet hyperparameters of the optimizer
 * @param schedule learning-rate schedule name, or null
 * @param scheduleParams schedule parameters (MXNet names)
 * @param posterior SGLD posterior settings, or null for none
 * @param precision weight and state precision
 * @param replay replay window (also the posterior's data)
 */
public record ModelSpec(
    ModelKindSpec kind,
    HashingSpec hashing,
    int shards,
    String optimizer,
    Map<String, Object> optimizerParams,
    String schedule,
    Map<String, Object> scheduleParams,
    PosteriorSpec posterior,
    Precision precision,
    ReplayOptions replay) {

  /** Largest shard count. */
  public static final int MAX_SHARDS = 1024;

  public ModelSpec {
    if (kind == null) {
      throw new IllegalArgumentException("kind is required");
    }
    hashing = hashing == null ? HashingSpec.defaults() : hashing;
    if (shards < 1 || shards > MAX_SHARDS) {
      throw new IllegalArgumentException(
          "shards=" + shards + " must be in [1, " + MAX_SHARDS + "]");
    }
    if (shards > hashing.dimension()) {
      throw new IllegalArgumentException(
          "shards=" + shards + " exceeds the 2^" + hashing.bits() + " hashed rows");
    }
    optimizer = optimizer == null ? "ftrl" : optimizer;
    optimizerParams = Map.copyOf(optimizerParams == null ? Map.of() : optimizerParams);
    scheduleParams = Map.copyOf(scheduleParams == null ? Map.of() : scheduleParams);
    precision = precision == null ? Precision.FLOAT32 : precision;
    replay = replay == null ? ReplayOptions.defaults() : replay;
    // build once so a bad hyperparameter fails here, with the optimizer's own message
    OptimizerRegistry.create(optimizer, optimizerParams);
    if (schedule != null) {
      LrSchedulers.create(schedule, scheduleParams);
    }
  }

  /** A spec of {@code kind} with every other setting at its default. */
  public static ModelSpec of(ModelKindSpec kind) {
    return new ModelSpec(kind, null, 1, null, null, null, null, null, null, null);
  }

  public ModelSpec withHashing(HashingSpec h) {
    return new ModelSpec(
        kind,
        h,
        shards,
        optimizer,
        optimizerParams,
        schedule,
        scheduleParams,
        posterior,
        precision,
        replay);
  }

  public ModelSpec withShards(int s) {
    return new ModelSpec(
        kind,
        hashing,
        s,
        optimizer,
        optimizerParams,
        schedule,
        scheduleParams,
        posterior,
        precision,
        replay);
  }

  public ModelSpec withOptimizer(String name, Map<String, Object> params) {
    return new ModelSpec(
        kind,
        hashing,
        shards,
        name,
        params,
        schedule,
        scheduleParams,
        posterior,
        precision,
        replay);
  }

  public ModelSpec withSchedule(String name, Map<String, Object> params) {
    return new ModelSpec(
        kind,
        hashing,
        shards,
        optimizer,
        optimizerParams,
        name,
        params,
        posterior,
        precision,
        replay);
  }

  public ModelSpec withPosterior(PosteriorSpec p) {
    return new ModelSpec(
        kind,
        hashing,
        shards,
        optimizer,
        optimizerParams,
        schedule,
        scheduleParams,
        p,
        precision,
        replay);
  }

  public ModelSpec withPrecision(Precision p) {
    return new ModelSpec(
        kind,
        hashing,
        shards,
        optimizer,
        optimizerParams,
        schedule,
        scheduleParams,
        posterior,
        p,
        replay);
  }

  public ModelSpec withReplay(ReplayOptions r) {
    return new ModelSpec(
        kind,
        hashing,
        shards,
        optimizer,
        optimizerParams,
        schedule,
        scheduleParams,
        posterior,
        precision,
        r);
  }

  /** The optimizer parameters as a mutable copy (for callers building variants). */
  public Map<String, Object> optimizerParamsCopy() {
    return new LinkedHashMap<>(optimizerParams);
  }
}
