package io.github.iapverifier.spring.slice.reactive;

import static io.github.iapverifier.test.IapWebTestClientConfigurer.iap;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.AutoConfigureFakeIap;
import io.github.iapverifier.test.FakeIap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code @WebFluxTest} with {@code @AutoConfigureFakeIap}: the slice gets the starter's reactive
 * auto-configurations (the {@code IapWebFilter}, the default chain), and {@code iap()} sends real
 * signed assertions through the slice's {@code WebTestClient}. The slice annotation has another
 * package on each Boot line, so each line has its subclass in {@code src/test-boot4} and {@code
 * src/test-boot35}.
 */
@AutoConfigureFakeIap
public abstract class WebFluxSliceCases {

  @Autowired WebTestClient client;
  @Autowired FakeIap fakeIap;
  @Autowired IapVerifier verifier;

  @Test
  void helloWhenSignedInThenGreetsThePrincipal() {
    client
        .mutateWith(iap().email("ana@example.com"))
        .get()
        .uri("/hello")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .isEqualTo("Hello ana@example.com");
  }

  @Test
  void helloWhenNoAssertionThen401Missing() {
    client
        .get()
        .uri("/hello")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody()
        .jsonPath("$.reason")
        .isEqualTo("MISSING");
  }

  @Test
  void sliceWhenFakeIapThenStarterVerifierTrustsIt() {
    assertThat(verifier.audiences()).containsExactly(fakeIap.audience());
  }
}
