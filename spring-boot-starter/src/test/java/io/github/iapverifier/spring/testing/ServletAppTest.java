package io.github.iapverifier.spring.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIapExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The "Testing your app" servlet example of test-support/README.md. It lives in this module
 * because test-support's own tests cannot use the servlet filter: the filter's tests use
 * test-support, and Maven forbids the cycle.
 */
// tag::servlet[]
@ExtendWith(FakeIapExtension.class)
class ServletAppTest {

  @Test
  void helloWhenSignedInThenGreets(FakeIap iap) throws Exception {
    try (IapVerifier verifier = iap.verifierBuilder().build(); // the fake's keys and audience
        RunningServletApp app = RunningServletApp.start(new IapFilter(verifier))) {
      HttpRequest request =
          HttpRequest.newBuilder(app.uri("/hello"))
              .header(IapVerifier.HEADER, iap.token().email("ana@example.com").build())
              .build();
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, BodyHandlers.ofString());

      assertThat(response.body()).isEqualTo("Hello ana@example.com");
    }
  }

  @Test
  void helloWhenTokenForAnotherAppThenUnauthorized(FakeIap iap) throws Exception {
    try (IapVerifier verifier = iap.verifierBuilder().build();
        RunningServletApp app = RunningServletApp.start(new IapFilter(verifier))) {
      HttpRequest request =
          HttpRequest.newBuilder(app.uri("/hello"))
              .header(IapVerifier.HEADER, iap.token(FakeIap.SecureTokenTest.AUDIENCE))
              .build();
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("\"reason\":\"WRONG_AUDIENCE\"");
    }
  }
}
// end::servlet[]
