package io.riffle.store.refine;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.riffle.optim.OptimizerRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of a scheduled refinement job: immutable, validated when built, JSON property names as
 * the components below (SVRG's {@code update_freq} is also accepted under its MXNet name). A
 * missing JSON property takes its default, so {@code {"method":"svrg"}} is a complete spec.
 *
 * @param method {@value #SVRG}, {@value #LBFGS}, or the name of any registered optimizer (run for
 *     {@code epochs} plain epochs over the window with its sparse steps); default {@value #SVRG}
 * @param epochs epochs of SVRG or of the named optimizer, {@code >= 1}; default {@value
 *     #DEFAULT_EPOCHS} (for SVRG with {@code updateFreq} 2 that is 30 passes over the window, about
 *     what L-BFGS takes to converge there; 5 stopped well short on the SpamAssassin stream)
 * @param updateFreq SVRG: full-gradient refresh every {@code updateFreq} epochs, {@code >= 1};
 *     default {@value #DEFAULT_UPDATE_FREQ}
 * @param batchSize examples per inner step (SVRG) or per optimizer step, {@code >= 1}; default 1
 * @param optimizer SVRG's inner optimizer (registry name); default {@code sgd}, the only one for
 *     which the inner step costs O(nnz) (closed-form lazy {@code mu}, OPTIMIZERS.md 6.7)
 * @param optimizerParams MXNet hyperparameters of the inner optimizer (SVRG) or of the named
 *     optimizer; for SVRG with {@code sgd} or {@code nag} a missing {@code learning_rate} is chosen
 *     from the data, {@code 1 / L} (the step SAG uses) with {@code L} the largest per-example
 *     smoothness constant of the training part ({@code c * weight_i * |x_i|^2 + l2}, {@code c} =
 *     1/4 for logistic and hinge, 1/2 for softmax, 1 otherwise), and a missing {@code wd} is {@code
 *     l2}; else the optimizer's own defaults (for the live model's optimizer with no params given:
 *     its hyperparameters and state)
 * @param history L-BFGS memory {@code m}, 1..1000; default {@value #DEFAULT_HISTORY}
 * @param iterations L-BFGS iterations, {@code >= 1}; default {@value #DEFAULT_ITERATIONS}
 * @param tolerance L-BFGS stops when the relative objective decrease or the (pseudo-)gradient norm
 *     relative to {@code max(1, |w|)} falls below it, {@code > 0}; default {@value
 *     #DEFAULT_TOLERANCE}
 * @param l2 L-BFGS and SVRG: L2 penalty {@code (l2/2)|w|^2} on the mean loss, {@code >= 0}, or null
 *     (the default) for the penalty matched to the live model's own regularisation ({@link
 *     RefineJob#matchedL2}): for FTRL {@code (beta/learning_rate + wd) / W}, the quadratic FTRL's
 *     closed form starts from, over {@code W}, the training part's summed example weight; for other
 *     optimizers {@code wd} if positive, else {@code 1/W} (a unit Gaussian prior); with null,
 *     L-BFGS and SVRG search multiples of it ({@code l2Candidates})
 * @param l1 L-BFGS: L1 penalty {@code l1*|w|_1} on the mean loss, {@code >= 0}; {@code > 0}
 *     switches to OWL-QN; default 0
 * @param everyExamples trigger: run after this many learned examples, 0 for never; default 0
 * @param everySeconds trigger: run every this many seconds, 0 for never; default {@value
 *     #DEFAULT_EVERY_SECONDS}
 * @param holdout fraction of the window (its newest examples) held back to judge, in (0, 1), or
 *     null for the window's own {@code holdoutFraction}
 * @param parallelism participants of the SVRG full-gradient pass, 1..256; default {@value
 *     #DEFAULT_PARALLELISM}
 * @param l2Candidates multipliers of the matched L2 penalty that L-BFGS and SVRG choose among when
 *     {@code l2} is null, by L-BFGS fits on a validation split of the training part (its newest
 *     examples, as many as the tail; {@link RefineJob}); each {@code > 0} and finite, 1 to 8 of
 *     them; a single value is used as is; default {@code [10, 1, 0.1, 0.01]}
 * @param minZ promotion rule: the challenger goes live only if its mean progressive loss on the
 *     tail is lower than the live model's by at least {@code minZ} standard errors of the paired
 *     per-example difference (a one-sided z test; 1.645 is the 5% level), finite and {@code >= 0};
 *     0 promotes any strictly lower loss; default {@value #DEFAULT_MIN_Z}
 * @param sampling SVRG with {@code batchSize} 1: {@code uniform} (each epoch one pass in window
 *     order) or {@code importance} (each inner step draws example {@code i} with probability
 *     proportional to its smoothness {@code L_i}, scales its variance-reduced difference by {@code
 *     1 / (n p_i)}, and the data-chosen learning rate is {@code 1 / mean L} instead of {@code 1 /
 *     max L}); default {@value #DEFAULT_SAMPLING}
 * @param kernel L-BFGS: the full-batch gradient kernel ({@link DenseGradientKernels}): {@code auto}
 *     (the default) uses the ND4J kernel of {@code riffle-nd4j} when it is on the class path and
 *     the window is dense and large enough, else the plain pass; {@code plain} always the plain
 *     pass; {@code nd4j} the ND4J kernel, and the job fails if it cannot run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RefineSpec(
    String method,
    int epochs,
    int updateFreq,
    int batchSize,
    String optimizer,
    Map<String, Object> optimizerParams,
    int history,
    int iterations,
    double tolerance,
    Double l2,
    double l1,
    long everyExamples,
    double everySeconds,
    Double holdout,
    int parallelism,
    List<Double> l2Candidates,
    double minZ,
    String kernel,
    String sampling) {

  public static final String SVRG = "svrg";
  public static final String LBFGS = "lbfgs";
  public static final int DEFAULT_EPOCHS = 20;
  public static final int DEFAULT_UPDATE_FREQ = 2;
  public static final int DEFAULT_HISTORY = 10;
  public static final int DEFAULT_ITERATIONS = 100;
  public static final double DEFAULT_TOLERANCE = 1e-7;
  public static final double DEFAULT_EVERY_SECONDS = 600;
  public static final int DEFAULT_PARALLELISM = 2;
  public static final double DEFAULT_MIN_Z = 1.0;
  public static final String UNIFORM = "uniform";
  public static final String IMPORTANCE = "importance";
  public static final String DEFAULT_SAMPLING = IMPORTANCE;
  public static final List<Double> DEFAULT_L2_CANDIDATES = List.of(10.0, 1.0, 0.1, 0.01);

  /** Validates and normalises names to lower case. */
  public RefineSpec {
    method = method == null ? SVRG : method.toLowerCase(Locale.ROOT);
    if (!method.equals(SVRG) && !method.equals(LBFGS)) {
      if (!OptimizerRegistry.providers().containsKey(method)) {
        throw new IllegalArgumentException(
            "refinement method \""
                + method
                + "\" is unknown; expected svrg, lbfgs or a registered optimizer ("
                + String.join(", ", OptimizerRegistry.providers().keySet())
                + ")");
      }
    }
    requireAtLeast("epochs", epochs, 1);
    requireAtLeast("updateFreq", updateFreq, 1);
    requireAtLeast("batchSize", batchSize, 1);
    if (history < 1 || history > 1000) {
      throw new IllegalArgumentException("history=" + history + " must be in [1, 1000]");
    }
    requireAtLeast("iterations", iterations, 1);
    if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("tolerance=" + tolerance + " must be finite and > 0");
    }
    if (l2 != null) {
      requireNonNegative("l2", l2);
    }
    requireNonNegative("l1", l1);
    if (everyExamples < 0) {
      throw new IllegalArgumentException(
          "everyExamples=" + everyExamples + " must be >= 0 (0 = never)");
    }
    requireNonNegative("everySeconds", everySeconds);
    if (holdout != null && !(holdout > 0 && holdout < 1)) {
      throw new IllegalArgumentException("holdout=" + holdout + " must be in (0, 1) or absent");
    }
    if (parallelism < 1 || parallelism > 256) {
      throw new IllegalArgumentException("parallelism=" + parallelism + " must be in [1, 256]");
    }
    requireNonNegative("minZ", minZ);
    l2Candidates = l2Candidates == null ? DEFAULT_L2_CANDIDATES : List.copyOf(l2Candidates);
    if (l2Candidates.isEmpty() || l2Candidates.size() > 8) {
      throw new IllegalArgumentException(
          "l2Candidates has " + l2Candidates.size() + " values; expected 1 to 8");
    }
    for (double c : l2Candidates) {
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new IllegalArgumentException("l2Candidates value " + c + " must be finite and > 0");
      }
    }
    kernel = kernel == null ? DenseGradientKernels.AUTO : kernel.toLowerCase(Locale.ROOT);
    if (!DenseGradientKernels.known(kernel)) {
      throw new IllegalArgumentException(
          "kernel \"" + kernel + "\" is unknown; expected auto, plain or nd4j");
    }
    sampling = sampling == null ? DEFAULT_SAMPLING : sampling.toLowerCase(Locale.ROOT);
    if (!sampling.equals(UNIFORM) && !sampling.equals(IMPORTANCE)) {
      throw new IllegalArgumentException(
          "sampling \"" + sampling + "\" is unknown; expected uniform or importance");
    }
    optimizer = optimizer == null ? "sgd" : optimizer.toLowerCase(Locale.ROOT);
    Map<String, Object> params =
        new LinkedHashMap<>(optimizerParams == null ? Map.of() : optimizerParams);
    if (method.equals(SVRG)) {
      // built once so a bad inner hyperparameter fails here with the optimizer's own message
      OptimizerRegistry.create(optimizer, params);
    } else if (!method.equals(LBFGS)) {
      OptimizerRegistry.create(method, params);
    }
    optimizerParams = Map.copyOf(params);
  }

  private static void requireAtLeast(String name, long v, long min) {
    if (v < min) {
      throw new IllegalArgumentException(name + "=" + v + " must be >= " + min);
    }
  }

  private static void requireNonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + "=" + v + " must be finite and >= 0");
    }
  }

  /** A spec of {@code method} with every other setting at its default. */
  public static RefineSpec of(String method) {
    return fromJson(
        method, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
  }

  /** JSON creator: missing properties take their defaults. */
  @JsonCreator
  public static RefineSpec fromJson(
      @JsonProperty("method") String method,
      @JsonProperty("epochs") Integer epochs,
      @JsonProperty("updateFreq") @JsonAlias("update_freq") Integer updateFreq,
      @JsonProperty("batchSize") @JsonAlias("batch_size") Integer batchSize,
      @JsonProperty("optimizer") String optimizer,
      @JsonProperty("optimizerParams") Map<String, Object> optimizerParams,
      @JsonProperty("history") Integer history,
      @JsonProperty("iterations") Integer iterations,
      @JsonProperty("tolerance") Double tolerance,
      @JsonProperty("l2") Double l2,
      @JsonProperty("l1") Double l1,
      @JsonProperty("everyExamples") Long everyExamples,
      @JsonProperty("everySeconds") Double everySeconds,
      @JsonProperty("holdout") Double holdout,
      @JsonProperty("parallelism") Integer parallelism,
      @JsonProperty("l2Candidates") List<Double> l2Candidates,
      @JsonProperty("minZ") Double minZ,
      @JsonProperty("kernel") String kernel,
      @JsonProperty("sampling") String sampling) {
    return new RefineSpec(
        method,
        epochs == null ? DEFAULT_EPOCHS : epochs,
        updateFreq == null ? DEFAULT_UPDATE_FREQ : updateFreq,
        batchSize == null ? 1 : batchSize,
        optimizer,
        optimizerParams,
        history == null ? DEFAULT_HISTORY : history,
        iterations == null ? DEFAULT_ITERATIONS : iterations,
        tolerance == null ? DEFAULT_TOLERANCE : tolerance,
        l2,
        l1 == null ? 0.0 : l1,
        everyExamples == null ? 0L : everyExamples,
        everySeconds == null ? DEFAULT_EVERY_SECONDS : everySeconds,
        holdout,
        parallelism == null ? DEFAULT_PARALLELISM : parallelism,
        l2Candidates,
        minZ == null ? DEFAULT_MIN_Z : minZ,
        kernel,
        sampling);
  }

  /** This spec with other optimizer parameters (of the inner or the named optimizer). */
  public RefineSpec withOptimizerParams(Map<String, Object> params) {
    return new RefineSpec(
        method,
        epochs,
        updateFreq,
        batchSize,
        optimizer,
        params,
        history,
        iterations,
        tolerance,
        l2,
        l1,
        everyExamples,
        everySeconds,
        holdout,
        parallelism,
        l2Candidates,
        minZ,
        kernel,
        sampling);
  }

  /** This spec with its penalties ({@code newL2} null: matched to the live model). */
  public RefineSpec withPenalties(Double newL2, double newL1) {
    return new RefineSpec(
        method,
        epochs,
        updateFreq,
        batchSize,
        optimizer,
        optimizerParams,
        history,
        iterations,
        tolerance,
        newL2,
        newL1,
        everyExamples,
        everySeconds,
        holdout,
        parallelism,
        l2Candidates,
        minZ,
        kernel,
        sampling);
  }

  /** This spec with {@code epochs}. */
  public RefineSpec withEpochs(int n) {
    return new RefineSpec(
        method,
        n,
        updateFreq,
        batchSize,
        optimizer,
        optimizerParams,
        history,
        iterations,
        tolerance,
        l2,
        l1,
        everyExamples,
        everySeconds,
        holdout,
        parallelism,
        l2Candidates,
        minZ,
        kernel,
        sampling);
  }

  /** This spec with gradient kernel preference {@code k} (auto, plain or nd4j). */
  public RefineSpec withKernel(String k) {
    return new RefineSpec(
        method,
        epochs,
        updateFreq,
        batchSize,
        optimizer,
        optimizerParams,
        history,
        iterations,
        tolerance,
        l2,
        l1,
        everyExamples,
        everySeconds,
        holdout,
        parallelism,
        l2Candidates,
        minZ,
        k,
        sampling);
  }

  /** True if the named-optimizer method is in use (neither SVRG nor L-BFGS). */
  @JsonIgnore
  public boolean isOptimizerEpochs() {
    return !method.equals(SVRG) && !method.equals(LBFGS);
  }
}
