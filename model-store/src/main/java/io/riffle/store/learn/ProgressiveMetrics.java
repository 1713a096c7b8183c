package io.riffle.store.learn;

import io.riffle.optim.Store;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Progressive validation: every example is scored before it is learned from, and its loss and
 * prediction recorded here, over all time and over a rolling window of the last {@code window}
 * examples. Classifiers get log loss (the kind's loss), accuracy and AUC; regressors RMSE and MAE.
 *
 * <p>All-time AUC uses 4096 score bins per class (exact up to ties within a bin); the rolling AUC
 * sorts the window on demand. Recording allocates nothing. Single writer; {@link #summary} may be
 * called from another thread and then reads slightly stale values.
 */
public final class ProgressiveMetrics {
  private static final int BINS = 4096;

  private final boolean classifier;
  private final int window;
  private long count;
  private double weightSum;
  private double lossSum;
  private double correct;
  private double absErr;
  private double sqErr;
  private final double[] posBins = new double[BINS];
  private final double[] negBins = new double[BINS];
  // rolling window ring
  private final double[] rScore;
  private final double[] rLabel;
  private final double[] rLoss;
  private final double[] rWeight;
  private final double[] rCorrect;
  private int rNext;
  private int rSize;

  /**
   * @param classifier true for binary or multiclass kinds
   * @param window rolling window length in examples
   */
  public ProgressiveMetrics(boolean classifier, int window) {
    this.classifier = classifier;
    this.window = window;
    rScore = new double[window];
    rLabel = new double[window];
    rLoss = new double[window];
    rWeight = new double[window];
    rCorrect = new double[window];
  }

  /**
   * Records one example scored before learning.
   *
   * @param score probability of the positive class (binary), the predicted value (regression), or
   *     the predicted class's probability (multiclass)
   * @param label the label
   * @param loss the weighted loss
   * @param weight the example weight
   * @param isCorrect for classifiers, whether the predicted class equals the label
   */
  public void record(double score, double label, double loss, double weight, boolean isCorrect) {
    count++;
    weightSum += weight;
    lossSum += loss;
    double c = isCorrect ? weight : 0;
    correct += c;
    double err = score - label;
    absErr += weight * Math.abs(err);
    sqErr += weight * err * err;
    if (classifier) {
      int bin = (int) Math.min(BINS - 1, Math.max(0, score * BINS));
      if (label > 0) {
        posBins[bin] += weight;
      } else {
        negBins[bin] += weight;
      }
    }
    rScore[rNext] = score;
    rLabel[rNext] = label;
    rLoss[rNext] = loss;
    rWeight[rNext] = weight;
    rCorrect[rNext] = c;
    rNext = (rNext + 1) % window;
    rSize = Math.min(rSize + 1, window);
  }

  /** Examples recorded. */
  public long count() {
    return count;
  }

  /** All-time and rolling metrics, by name. */
  public Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("examples", count);
    out.put("all", block(count, weightSum, lossSum, correct, absErr, sqErr, binnedAuc()));
    double w = 0;
    double l = 0;
    double cr = 0;
    double ae = 0;
    double se = 0;
    for (int i = 0; i < rSize; i++) {
      w += rWeight[i];
      l += rLoss[i];
      cr += rCorrect[i];
      double err = rScore[i] - rLabel[i];
      ae += rWeight[i] * Math.abs(err);
      se += rWeight[i] * err * err;
    }
    Map<String, Object> rolling =
        block(rSize, w, l, cr, ae, se, classifier ? windowAuc() : Double.NaN);
    rolling.put("window", window);
    out.put("rolling", rolling);
    return out;
  }

  private Map<String, Object> block(
      long n, double w, double l, double cr, double ae, double se, double auc) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("examples", n);
    m.put("loss", w > 0 ? l / w : null);
    if (classifier) {
      m.put("accuracy", w > 0 ? cr / w : null);
      m.put("auc", Double.isNaN(auc) ? null : auc);
    } else {
      m.put("rmse", w > 0 ? Math.sqrt(se / w) : null);
      m.put("mae", w > 0 ? ae / w : null);
    }
    return m;
  }

  /** All-time AUC from the score bins (ties within a bin count half). NaN with one class only. */
  public double binnedAuc() {
    double neg = 0;
    double pos = 0;
    double area = 0;
    for (int b = 0; b < BINS; b++) {
      area += posBins[b] * (neg + negBins[b] / 2);
      neg += negBins[b];
      pos += posBins[b];
    }
    return pos > 0 && neg > 0 ? area / (pos * neg) : Double.NaN;
  }

  /** AUC over the rolling window (exact, ties half). NaN with one class only. */
  public double windowAuc() {
    Integer[] order = new Integer[rSize];
    for (int i = 0; i < rSize; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(rScore[a], rScore[b]));
    double neg = 0;
    double pos = 0;
    double area = 0;
    int i = 0;
    while (i < rSize) {
      int j = i;
      double tiePos = 0;
      double tieNeg = 0;
      while (j < rSize && rScore[order[j]] == rScore[order[i]]) {
        int k = order[j];
        if (rLabel[k] > 0) {
          tiePos += rWeight[k];
        } else {
          tieNeg += rWeight[k];
        }
        j++;
      }
      area += tiePos * (neg + tieNeg / 2);
      neg += tieNeg;
      pos += tiePos;
      i = j;
    }
    return pos > 0 && neg > 0 ? area / (pos * neg) : Double.NaN;
  }

  /** State for a snapshot. */
  public Map<String, Store> exportArrays() {
    Map<String, Store> out = new LinkedHashMap<>();
    out.put(
        "totals",
        Store.of(new double[] {count, weightSum, lossSum, correct, absErr, sqErr, rNext, rSize}));
    out.put("posBins", Store.of(posBins.clone()));
    out.put("negBins", Store.of(negBins.clone()));
    out.put("rScore", Store.of(rScore.clone()));
    out.put("rLabel", Store.of(rLabel.clone()));
    out.put("rLoss", Store.of(rLoss.clone()));
    out.put("rWeight", Store.of(rWeight.clone()));
    out.put("rCorrect", Store.of(rCorrect.clone()));
    return out;
  }

  /** Restores {@link #exportArrays}. */
  public void importArrays(Map<String, Store> a) {
    Store t = a.get("totals");
    if (t == null) {
      return;
    }
    count = (long) t.get(0);
    weightSum = t.get(1);
    lossSum = t.get(2);
    correct = t.get(3);
    absErr = t.get(4);
    sqErr = t.get(5);
    rNext = (int) t.get(6);
    rSize = (int) t.get(7);
    copy(a.get("posBins"), posBins);
    copy(a.get("negBins"), negBins);
    copy(a.get("rScore"), rScore);
    copy(a.get("rLabel"), rLabel);
    copy(a.get("rLoss"), rLoss);
    copy(a.get("rWeight"), rWeight);
    copy(a.get("rCorrect"), rCorrect);
  }

  private static void copy(Store s, double[] into) {
    if (s != null) {
      for (int i = 0; i < Math.min(s.length(), into.length); i++) {
        into[i] = s.get(i);
      }
    }
  }
}
