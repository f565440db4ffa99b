package io.github.iapverifier.servlet;

import static io.github.iapverifier.IapVerifier.HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.test.FakeIap;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WAR-style application configured by a real {@code WEB-INF/web.xml} with init-params only,
 * deployed in Jetty's {@link WebAppContext}: no line of code configures the filter.
 */
class WebXmlContainerTest {

  private static FakeIap iap;
  private static Jetty jetty;
  private static WebAppContext webapp;

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    iap = FakeIap.start();
    webapp = webapp(dir, webXml(iap.audience().value(), iap.jwksUri().toString()));
    jetty = Jetty.start(webapp);
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
    iap.close();
  }

  @Test
  void validAssertionThenServletSeesIdentity() {
    HttpResponse<String> response = jetty.get("/shop/whoami", HEADER, iap.token().build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TestServlets.parse(response.body()))
        .containsEntry("principal", "IapPrincipal:user@example.com")
        .containsEntry("remoteUser", "user@example.com")
        .containsEntry("attribute", "user@example.com")
        .containsEntry("emailHeader", "accounts.google.com:user@example.com");
  }

  @Test
  void missingAssertionThen401() {
    IapFilterContainerTest.assertProblem(jetty.get("/shop/whoami"), 401, Reason.MISSING);
  }

  @Test
  void hostedDomainPolicyFromInitParamThen403() {
    IapFilterContainerTest.assertProblem(
        jetty.get("/shop/whoami", HEADER, iap.token().consumerAccount().build()),
        403,
        Reason.POLICY_DENIED);
  }

  @Test
  void excludedPathsFromMultiLineInitParamThenPass() {
    assertThat(jetty.get("/shop/healthz").statusCode()).isEqualTo(200);
    assertThat(jetty.raw("GET", "/shop/healthz/../whoami").status()).isEqualTo(401);
  }

  @Test
  void clockSkewFromInitParamThenApplied() {
    // Issued 40 s ahead: beyond the default 30 s skew, within the configured PT45S.
    String ahead = iap.token().issuedAt(java.time.Instant.now().plusSeconds(40)).build();
    assertThat(jetty.get("/shop/whoami", HEADER, ahead).statusCode()).isEqualTo(200);

    // Far enough ahead that no delay on a loaded machine brings it within the skew.
    String tooFar = iap.token().issuedAt(java.time.Instant.now().plusSeconds(300)).build();
    IapFilterContainerTest.assertProblem(
        jetty.get("/shop/whoami", HEADER, tooFar), 401, Reason.ISSUED_IN_FUTURE);
  }

  @Test
  void asyncDispatchWithRecommendedMappingThenIdentitySeen() {
    HttpResponse<String> response = jetty.get("/shop/async-dispatch", HEADER, iap.token().build());

    assertThat(TestServlets.parse(response.body()))
        .containsEntry("dispatch", "ASYNC")
        .containsEntry("principal", "IapPrincipal:user@example.com");
  }

  @Test
  void forwardAndIncludeWithRequestOnlyMappingThenIdentitySeen() {
    HttpResponse<String> response = jetty.get("/shop/forward", HEADER, iap.token().build());

    assertThat(TestServlets.parse(response.body()))
        .containsEntry("dispatch", "INCLUDE")
        .containsEntry("principal", "IapPrincipal:user@example.com");
  }

  @Test
  void stopThenFilterClosesTheVerifierItBuilt(@TempDir Path dir) throws Exception {
    WebAppContext other = webapp(dir, webXml(iap.audience().value(), iap.jwksUri().toString()));
    Set<Thread> before = keyThreads();
    Jetty second = Jetty.start(other);
    Filter filter = other.getServletHandler().getFilter("iap").getFilter();
    Set<Thread> started = keyThreads();
    started.removeAll(before);
    // init warmed the keys on the filter's own key source, which runs one fetch thread.
    assertThat(started).hasSize(1);
    assertThat(second.get("/shop/whoami", HEADER, iap.token().build()).statusCode()).isEqualTo(200);

    second.close();

    Thread fetcher = started.iterator().next();
    await("key fetch thread of the filter's own verifier ends")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !fetcher.isAlive());
    assertThat(filter.toString()).contains("not initialised");
  }

  @Test
  void missingAudiencesThenApplicationDoesNotStartAndSaysWhatToSet(@TempDir Path dir)
      throws IOException {
    String xml =
        webXml("unused", iap.jwksUri().toString())
            .replaceFirst(
                "(?s)<init-param>\\s*<param-name>audiences</param-name>.*?</init-param>", "");
    WebAppContext broken = webapp(dir, xml);
    broken.setThrowUnavailableOnStartupException(true);

    assertThatThrownBy(() -> Jetty.start(broken))
        .rootCause()
        .hasMessageContaining("init-param 'audiences' is required");
  }

  @Test
  void misspelledInitParamThenApplicationDoesNotStart(@TempDir Path dir) throws IOException {
    String xml =
        webXml(iap.audience().value(), iap.jwksUri().toString())
            .replace("<param-name>clock-skew</param-name>", "<param-name>clockSkew</param-name>");
    WebAppContext broken = webapp(dir, xml);
    broken.setThrowUnavailableOnStartupException(true);

    assertThatThrownBy(() -> Jetty.start(broken))
        .rootCause()
        .hasMessageContaining("unknown init-param 'clockSkew'");
  }

  private static Set<Thread> keyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("iap-verifier-keys") && t.isAlive())
        .collect(Collectors.toSet());
  }

  static String webXml(String audience, String jwksUri) throws IOException {
    try (InputStream in =
        WebXmlContainerTest.class.getResourceAsStream("/webapp/WEB-INF/web.xml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("@AUDIENCE@", audience)
          .replace("@JWKS_URI@", jwksUri);
    }
  }

  private static WebAppContext webapp(Path dir, String webXml) throws IOException {
    Path webInf = Files.createDirectories(dir.resolve("WEB-INF"));
    Files.writeString(webInf.resolve("web.xml"), webXml);
    WebAppContext context = new WebAppContext();
    context.setContextPath("/shop");
    context.setWar(dir.toString());
    // The classes are on the test class path, not in WEB-INF/classes.
    context.setParentLoaderPriority(true);
    return context;
  }
}
