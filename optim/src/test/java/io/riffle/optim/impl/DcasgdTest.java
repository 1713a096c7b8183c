package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.opt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.tools.Problems;
import org.junit.jupiter.api.Test;

class DcasgdTest {

  @Test
  void previousWeightStartsAsACopyOfTheWeights() {
    Updater up = new Updater(opt("dcasgd", "momentum=0.9"));
    Store w = Fixtures.f64(0.5, -1.5, 2.0);
    ParamState st = up.createState(w);
    assertThat(st.names()).containsExactly("mom", "prev_weight");
    assertThat(Fixtures.values(st.array(0))).containsExactly(0.0, 0.0, 0.0);
    assertThat(Fixtures.values(st.array(1))).containsExactly(0.5, -1.5, 2.0);

    Updater plain = new Updater(opt("dcasgd"));
    ParamState st2 = plain.createState(w);
    assertThat(st2.names()).containsExactly("prev_weight");
    assertThat(Fixtures.values(st2.array(0))).containsExactly(0.5, -1.5, 2.0);

    // multi_precision: the copy is taken from the float64 master
    Updater mp = new Updater(opt("dcasgd", "multi_precision", true));
    Store w32 = Store.of(new float[] {0.1f, -0.2f});
    ParamState st3 = mp.createState(w32);
    assertThat(st3.array(0).precision()).isEqualTo(Precision.FLOAT64);
    assertThat(st3.array(0).get(0)).isEqualTo((double) 0.1f);
  }

  @Test
  void lamdaZeroIsSgd() {
    // reference selftest: dcasgd(lamda=0) == sgd with the same momentum and decay
    Problems.Problem prob = new Problems.Quadratic(13, 4);
    Updater d = new Updater(opt("dcasgd", "learning_rate=0.05 momentum=0.5 lamda=0.0 wd=0.01"));
    Updater s = new Updater(opt("sgd", "learning_rate=0.05 momentum=0.5 wd=0.01"));
    Store a = Fixtures.f64(prob.w0());
    Store b = Fixtures.f64(prob.w0());
    ParamState sa = d.createState(a);
    ParamState sb = s.createState(b);
    double[] g = new double[4];
    for (int k = 0; k < 14; k++) {
      prob.grad(Fixtures.values(a), g);
      d.update(0, a, sa, g);
      prob.grad(Fixtures.values(b), g);
      s.update(0, b, sb, g);
    }
    assertThat(Fixtures.values(a)).containsExactly(Fixtures.values(b), within(1e-14));
  }
}
