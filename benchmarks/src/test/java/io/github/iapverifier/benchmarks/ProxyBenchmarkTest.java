package io.github.iapverifier.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Proves that both sides of {@link ProxyBenchmark} verify each proxy's pool before it is timed. */
class ProxyBenchmarkTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "googleIap,repeated", "googleIap,neverSeen",
    "cloudflareAccess,repeated", "cloudflareAccess,neverSeen",
    "awsAlb,repeated", "awsAlb,neverSeen",
    "pomerium,repeated", "pomerium,neverSeen"
  })
  void setUpWhenProxyPoolThenBothVerifyTheUserAndRejectABadSignature(String proxy, String kind)
      throws Exception {
    ProxyBenchmark b = new ProxyBenchmark();
    b.proxy = proxy;
    b.assertion = kind;
    b.setUp(); // runs the benchmark's own check
    try {
      ProxyBenchmark.Cursor c = new ProxyBenchmark.Cursor();
      c.next = 3;
      IapIdentity who = (IapIdentity) b.iapVerifier(c);
      assertThat(who.email()).isEqualTo("user" + ("repeated".equals(kind) ? 7 : 3) + "@example.com");
      c.next = 3;
      assertThat(b.nimbus(c)).isNotNull();
      assertThatThrownBy(() -> b.verifier.verify(Fixtures.withBadSignature(b.pool[5])))
          .isInstanceOf(IapVerificationException.class)
          .extracting(e -> ((IapVerificationException) e).reason())
          .isEqualTo(IapVerificationException.Reason.BAD_SIGNATURE);
    } finally {
      b.tearDown();
    }
  }
}
