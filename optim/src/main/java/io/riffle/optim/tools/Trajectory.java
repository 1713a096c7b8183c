package io.riffle.optim.tools;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.random.Normal12Source;
import io.riffle.optim.schedule.LrScheduler;
import io.riffle.optim.schedule.LrSchedulers;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Conformance trajectories on the command line, with the same subcommands, arguments and output
 * lines as {@code python3 shared/reference/mxnet_ref.py}, so any run can be diffed line by line:
 *
 * <pre>
 *   run --opt NAME --steps N --seed S --problem quadratic|logistic [--hp k=v ...]
 *   svrg [--epochs 4] [--seed 3] [--batch-size 8] [--update-freq 2] [--reset]
 *   yellowfin [--steps 50] [--seed 2]
 *   closedloop [--steps 200] [--seed 2] [--tau 4]
 * </pre>
 *
 * <p>Riffle additions to {@code run}: {@code --precision float32} stores weights and state in
 * float32, and {@code --sched NAME k=v,k=v} attaches a learning-rate schedule (e.g. {@code --sched
 * factor step=3,factor=0.5}).
 */
public final class Trajectory {
  private Trajectory() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; returns the process exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println("usage: Trajectory run|svrg|yellowfin|closedloop [options]");
      return 2;
    }
    try {
      Args a = Args.parse(args, 1);
      Consumer<String> sink = out::println;
      switch (args[0]) {
        case "run" ->
            runOptimizer(
                a.require("opt"),
                a.intOr("steps", 10),
                a.longOr("seed", 0),
                a.or("problem", "quadratic"),
                a.hp,
                a.or("sched", null),
                Precision.valueOf(a.or("precision", "float64").toUpperCase(java.util.Locale.ROOT)),
                sink);
        case "svrg" ->
            SvrgCommand.run(
                a.intOr("epochs", 4),
                a.longOr("seed", 3),
                a.intOr("batch-size", 8),
                a.intOr("update-freq", 2),
                a.flags.contains("reset"),
                sink);
        case "yellowfin" ->
            YellowFinCommand.yellowfin(a.intOr("steps", 50), a.longOr("seed", 2), sink);
        case "closedloop" ->
            YellowFinCommand.closedLoop(
                a.intOr("steps", 200), a.longOr("seed", 2), a.intOr("tau", 4), sink);
        default -> {
          err.println("unknown command " + args[0] + "; expected run, svrg, yellowfin, closedloop");
          return 2;
        }
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
  }

  /**
   * The reference's {@code run}: {@code steps} full-gradient updates of one parameter (index 0)
   * from the problem's start point; SGLD noise from {@code normal12} seeded with {@code seed ^
   * 0x5DEECE66D}, drawn in element order.
   *
   * @param sched null, or {@code "NAME k=v,k=v"}
   */
  public static void runOptimizer(
      String name,
      int steps,
      long seed,
      String problem,
      Map<String, String> hp,
      String sched,
      Precision precision,
      Consumer<String> out) {
    Problems.Problem prob = Problems.make(problem, seed);
    Optimizer opt = OptimizerRegistry.create(name, hp);
    Updater up = new Updater(opt, parseScheduler(sched));
    up.noise(new Normal12Source(seed ^ 0x5DEECE66DL));
    double[] w = prob.w0();
    Store ws = Store.zeros(precision, w.length);
    for (int i = 0; i < w.length; i++) {
      ws.set(i, w[i]);
    }
    ParamState st = up.createState(ws);
    double[] g = new double[w.length];
    out.accept(PyJson.object("step", 0L, "loss", prob.loss(w), "w", w));
    for (int k = 1; k <= steps; k++) {
      prob.grad(w, g);
      up.update(0, ws, st, g);
      for (int i = 0; i < w.length; i++) {
        w[i] = ws.get(i);
      }
      out.accept(PyJson.object("step", (long) k, "loss", prob.loss(w), "w", w));
    }
  }

  /** Parses {@code "NAME k=v,k=v"} into a schedule, or null. */
  public static LrScheduler parseScheduler(String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    String[] parts = spec.trim().split("\\s+", 2);
    Map<String, Object> kv = new LinkedHashMap<>();
    if (parts.length > 1) {
      for (String p : parts[1].split(",(?![^\\[]*\\])")) {
        int eq = p.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("--sched expects k=v pairs, got " + p);
        }
        kv.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
      }
    }
    return LrSchedulers.create(parts[0], kv);
  }

  /** Minimal argparse: {@code --name value}, {@code --flag}, and {@code --hp k=v k=v ...}. */
  static final class Args {
    final Map<String, String> opts = new LinkedHashMap<>();
    final Map<String, String> hp = new LinkedHashMap<>();
    final List<String> flags = new ArrayList<>();

    static Args parse(String[] args, int start) {
      Args a = new Args();
      for (int i = start; i < args.length; i++) {
        String s = args[i];
        if (!s.startsWith("--")) {
          throw new IllegalArgumentException("unexpected argument " + s);
        }
        String key = s.substring(2);
        if (key.equals("hp")) {
          while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            String kv = args[++i];
            int eq = kv.indexOf('=');
            if (eq < 0) {
              throw new IllegalArgumentException("--hp expects key=value, got " + kv);
            }
            a.hp.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        } else if (key.equals("sched")) {
          StringBuilder sb = new StringBuilder();
          while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            sb.append(sb.length() > 0 ? " " : "").append(args[++i]);
          }
          a.opts.put(key, sb.toString());
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          a.opts.put(key, args[++i]);
        } else {
          a.flags.add(key);
        }
      }
      return a;
    }

    String require(String k) {
      String v = opts.get(k);
      if (v == null) {
        throw new IllegalArgumentException("--" + k + " is required");
      }
      return v;
    }

    String or(String k, String d) {
      return opts.getOrDefault(k, d);
    }

    int intOr(String k, int d) {
      return opts.containsKey(k) ? Integer.parseInt(opts.get(k)) : d;
    }

    long longOr(String k, long d) {
      return opts.containsKey(k) ? Long.parseLong(opts.get(k)) : d;
    }
  }
}
