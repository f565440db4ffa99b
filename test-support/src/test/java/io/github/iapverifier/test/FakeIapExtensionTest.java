package io.github.iapverifier.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FakeIapExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FakeIapExtensionTest {

  private static FakeIap first;

  @BeforeAll
  static void rememberInstance(FakeIap iap) {
    first = iap;
  }

  @AfterAll
  static void stillRunningUntilAfterAllReturns(FakeIap iap) throws Exception {
    try (Socket socket = new Socket(iap.jwksUri().getHost(), iap.jwksUri().getPort())) {
      assertThat(socket.isConnected()).isTrue();
    }
  }

  @Test
  @Order(1)
  void parameterWhenInjectedThenFakeIsRunningAndMintsValidTokens(FakeIap iap) {
    try (IapVerifier verifier = iap.verifierBuilder().build()) {
      assertThat(verifier.verify(iap.token().email("ana@example.com").build()).email())
          .isEqualTo("ana@example.com");
    }
  }

  @Test
  @Order(2)
  void parameterWhenInjectedAgainThenSameInstancePerClass(FakeIap iap) {
    assertThat(iap).isSameAs(first);
  }
}
