package io.github.iapverifier.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.web.IapProblem;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http.UriCompliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The path tricks again, in a Jetty told to let every ambiguous URI through (as an old or
 * misconfigured container might): the filter alone must keep them from being excluded.
 */
class IapFilterLaxContainerTest {

  private static FakeIap iap;
  private static IapVerifier verifier;
  private static Jetty jetty;

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
    verifier = iap.verifierBuilder().build();
    ServletContextHandler context =
        TestApp.context(
            "/app", IapFilter.builder(verifier).excludedPaths("/healthz", "/status/**").build());
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    jetty = Jetty.start(context, UriCompliance.UNSAFE);
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
    verifier.close();
    iap.close();
  }

  @Test
  void plainExcludedPathThenPasses() {
    assertThat(jetty.raw("GET", "/app/healthz").status()).isEqualTo(200);
    assertThat(jetty.raw("GET", "/app/status/x").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/app/healthz/../admin",
        "/app/healthz/%2e%2e/admin",
        "/app/healthz/%2E%2E/admin",
        "/app/healthz/.%2e/admin",
        "/app/healthz/..;/admin",
        "/app/healthz/..;x=y/admin",
        "/app//healthz",
        "/app/./healthz",
        "/app/%2e/healthz",
        "/app/status/../admin",
        "/app/status/%2e%2e/admin",
        "/app/status/..%2fadmin",
        "/app/status/%2fadmin",
        "/app/status/..%5cadmin",
        "/app/status/%252e%252e/admin",
        "/app/status/%c0%ae%c0%ae/admin",
      })
  void dotSegmentEmptySegmentAndEncodingTricksThenReachFilterAndAre401(String target) {
    Jetty.Raw response = jetty.raw("GET", target);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers().get("content-type")).isEqualTo(IapProblem.CONTENT_TYPE);
    assertThat(response.body()).doesNotContain("health=ok");
  }
}
