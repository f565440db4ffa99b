package io.github.iapverifier.spring.testing;

import static io.github.iapverifier.test.IapWebTestClientConfigurer.iap;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.spring.reactive.secured.SecuredReactiveApplication;
import io.github.iapverifier.test.AutoConfigureFakeIap;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A reactive app over real HTTP with real signed assertions from the context's fake IAP: the
 * WebTestClient counterpart of {@link MockMvcIapTest}.
 */
// tag::webtestclient[]
@SpringBootTest(
    classes = SecuredReactiveApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.main.web-application-type=reactive",
      "iap.authorities.ADMIN=alice@example.com"
    })
@AutoConfigureFakeIap // starts a fake IAP and points iap.jwks-uri and iap.audiences at it
class WebTestClientIapTest {

  @Value("${local.server.port}")
  int port;

  WebTestClient client;

  @BeforeEach
  void client() {
    client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
  }

  @Test
  void whoamiWhenSignedInThenIdentity() {
    client
        .mutateWith(iap().email("ana@example.com"))
        .get()
        .uri("/whoami")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .isEqualTo("ana@example.com accounts.google.com:ana@example.com");
  }

  @Test
  void adminWhenGrantedThenServed() {
    client
        .mutateWith(iap().email("alice@example.com"))
        .get()
        .uri("/admin")
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void adminWhenNotGrantedThenForbidden() {
    client
        .mutateWith(iap().email("bob@example.com"))
        .get()
        .uri("/admin")
        .exchange()
        .expectStatus()
        .isForbidden();
  }

  @Test
  void whoamiWhenNoAssertionThenUnauthorized() {
    client
        .get()
        .uri("/whoami")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody()
        .jsonPath("$.reason")
        .isEqualTo("MISSING");
  }

  @Test
  void whoamiWhenExpiredThenUnauthorized() {
    client
        .mutateWith(iap().token(t -> t.issuedAt(Instant.now().minusSeconds(3600))))
        .get()
        .uri("/whoami")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody()
        .jsonPath("$.reason")
        .isEqualTo("EXPIRED");
  }
  // end::webtestclient[]

  @Test
  void iapWhenNoTestRunningOnThreadThenSaysWhatToDo() throws Exception {
    // Another thread runs no test method: iap() cannot know the fake there.
    java.util.concurrent.CompletableFuture<Throwable> failure =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                client.mutateWith(iap());
                return null;
              } catch (RuntimeException e) {
                return e;
              }
            });

    assertThat(failure.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@AutoConfigureFakeIap")
        .hasMessageContaining("iap(fakeIap)");
  }
}
