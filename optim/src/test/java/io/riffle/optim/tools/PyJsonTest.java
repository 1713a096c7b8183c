package io.riffle.optim.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected strings are what CPython 3.11's {@code json.dumps} prints for the same doubles. */
class PyJsonTest {

  @Test
  void reprMatchesPythonForTypicalValues() {
    assertThat(PyJson.repr(0.1)).isEqualTo("0.1");
    assertThat(PyJson.repr(1.0)).isEqualTo("1.0");
    assertThat(PyJson.repr(-2.5)).isEqualTo("-2.5");
    assertThat(PyJson.repr(123456.0)).isEqualTo("123456.0");
    assertThat(PyJson.repr(0.0001)).isEqualTo("0.0001");
    assertThat(PyJson.repr(0.00001)).isEqualTo("1e-05");
    assertThat(PyJson.repr(1e-6)).isEqualTo("1e-06");
    assertThat(PyJson.repr(1.5e20)).isEqualTo("1.5e+20");
    assertThat(PyJson.repr(1e16)).isEqualTo("1e+16");
    assertThat(PyJson.repr(9999999999999998.0)).isEqualTo("9999999999999998.0");
    assertThat(PyJson.repr(-0.0)).isEqualTo("-0.0");
    assertThat(PyJson.repr(0.0)).isEqualTo("0.0");
    assertThat(PyJson.repr(Double.NaN)).isEqualTo("NaN");
    assertThat(PyJson.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }

  @Test
  void reprIsShortestRoundTrip() {
    // JDK 17's Double.toString gives 2.0E-3 style and, for some values, one digit too many
    assertThat(PyJson.repr(2e-3)).isEqualTo("0.002");
    assertThat(PyJson.repr(1.0E23)).isEqualTo("1e+23");
    assertThat(PyJson.repr(0.6937957411875355)).isEqualTo("0.6937957411875355");
    assertThat(PyJson.repr(5.89955361002259e-06)).isEqualTo("5.89955361002259e-06");
    assertThat(PyJson.repr(-0.0025830394939875922)).isEqualTo("-0.0025830394939875922");
    assertThat(PyJson.repr(Double.MIN_VALUE)).isEqualTo("5e-324");
    assertThat(PyJson.repr(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
  }

  @Test
  void objectUsesPythonSeparators() {
    assertThat(PyJson.object("step", 3L, "loss", 0.5, "w", new double[] {1.0, -0.25}, "x", null))
        .isEqualTo("{\"step\": 3, \"loss\": 0.5, \"w\": [1.0, -0.25], \"x\": null}");
  }
}
