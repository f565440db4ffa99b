package io.github.iapverifier.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A short run of {@link KeyRotationStress} (10 s, loopback only): while keys rotate under load, no
 * request waits on the network and no token is rejected. Latency figures are for RESULTS.md, from
 * the longer run in {@code run.sh}; this only guards the behaviour.
 */
class KeyRotationStressTest {

  @Test
  void verifyNeverWaitsOnTheNetworkWhileKeysRotate() throws Exception {
    KeyRotationStress.Result result = KeyRotationStress.run(Duration.ofSeconds(8), 2);
    System.out.println(result);
    assertThat(result.rotations()).isGreaterThanOrEqualTo(2);
    assertThat(result.rejections()).isZero();
    assertThat(result.waitedOnNetwork()).isZero();
    assertThat(result.fetches()).isGreaterThanOrEqualTo(4);
  }
}
