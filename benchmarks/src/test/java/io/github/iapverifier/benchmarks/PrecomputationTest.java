package io.github.iapverifier.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bouncycastle.math.ec.WNafUtil;
import org.junit.jupiter.api.Test;

/**
 * Proves that every {@link PrecomputationBenchmark} variant verifies before it is timed (its set-up
 * runs the check), that the check can fail, and that the larger windows are really in use.
 */
class PrecomputationTest {

  @Test
  void setUpWhenEveryVariantVerifiesThenSucceedsAndKeepsTheLargerWindows() {
    PrecomputationBenchmark b = new PrecomputationBenchmark();
    b.setUp();
    PrecomputationBenchmark.Cursor c = new PrecomputationBenchmark.Cursor();
    for (int i = 0; i < PrecomputationBenchmark.POOL; i++) {
      assertThat(b.es256Default(c)).isTrue();
      assertThat(b.combG_wnaf8Q(c)).isTrue();
      assertThat(b.combG_wnaf12Q(c)).isTrue();
      assertThat(b.combG_combQ(c)).isTrue();
    }
    assertThat(WNafUtil.getWNafPreCompInfo(b.qWnaf8).getWidth()).isEqualTo(8);
    assertThat(WNafUtil.getWNafPreCompInfo(b.qWnaf12).getWidth()).isEqualTo(12);
  }

  @Test
  void checkWhenAVariantAcceptsEverythingThenFails() {
    PrecomputationBenchmark b = new PrecomputationBenchmark();
    b.setUp();
    assertThatThrownBy(() -> b.check((input, signature) -> true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("accepts a bad signature");
  }
}
