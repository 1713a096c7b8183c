package io.riffle.optim.tools;

import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.svrg.Svrg;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The reference's {@code svrg} command: {@code SVRGModule.fit} with one device on {@link
 * LinearRegression#referenceData}, SGD with {@code learning_rate=0.1} and the default {@code
 * rescale_grad = 1/batch_size}, from {@code w = 0}; one line {@code {"epoch", "mse/2", "w"}} per
 * epoch. MXNet's non-reset accumulator unless {@code --reset}.
 */
final class SvrgCommand {
  private SvrgCommand() {}

  static void run(
      int epochs, long seed, int batchSize, int updateFreq, boolean reset, Consumer<String> out) {
    LinearRegression data = LinearRegression.referenceData(seed);
    Updater up =
        new Updater(
            OptimizerRegistry.create(
                "sgd", Svrg.innerHyperparams(Map.of("learning_rate", 0.1), batchSize, 1)));
    Svrg svrg =
        new Svrg(up, data, Svrg.Options.of(batchSize, updateFreq).withFaithfulMxnet(!reset));
    double[] w = new double[data.dimension()];
    Store ws = Store.of(w);
    ParamState st = up.createState(ws);
    svrg.fit(
        ws,
        st,
        0,
        epochs,
        (epoch, weights) ->
            out.accept(PyJson.object("epoch", (long) epoch, "mse/2", data.halfMse(w), "w", w)));
  }
}
