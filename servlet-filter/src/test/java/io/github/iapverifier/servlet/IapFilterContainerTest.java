package io.github.iapverifier.servlet;

import static io.github.iapverifier.IapVerifier.HEADER;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import io.github.iapverifier.web.IapProblem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter inside a real Jetty 12, over real HTTP, with keys from a fake IAP over HTTP. */
class IapFilterContainerTest {

  private static FakeIap iap;
  private static TestApp.Counter counter;
  private static IapVerifier verifier;
  private static IapVerifier policyVerifier;
  private static IapVerifier corsVerifier;
  private static Jetty jetty;

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
    counter = new TestApp.Counter();
    verifier = iap.verifierBuilder().eventListener(counter).build();
    policyVerifier = iap.verifierBuilder().allowedHostedDomains("example.com").build();
    corsVerifier = iap.verifierBuilder().build();
    jetty =
        Jetty.start(
            new ContextHandlerCollection(
                TestApp.context(
                    "/app",
                    IapFilter.builder(verifier).excludedPaths("/healthz", "/status/**").build()),
                TestApp.context("/policy", new IapFilter(policyVerifier)),
                TestApp.context(
                    "/cors", IapFilter.builder(corsVerifier).allowCorsPreflight(true).build())));
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
    verifier.close();
    policyVerifier.close();
    corsVerifier.close();
    iap.close();
  }

  @BeforeEach
  void resetCounter() {
    counter.reset();
  }

  @Test
  void validAssertionThenServletSeesVerifiedIdentity() {
    String token = iap.token().email("ana@example.com").build();

    HttpResponse<String> response = jetty.get("/app/whoami", HEADER, token);

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, String> seen = TestServlets.parse(response.body());
    assertThat(seen)
        .containsEntry("principal", "IapPrincipal:ana@example.com")
        .containsEntry("remoteUser", "ana@example.com")
        .containsEntry("authType", "IAP")
        .containsEntry("inRole", "false")
        .containsEntry("attribute", "ana@example.com")
        .containsEntry("helper", "ana@example.com")
        .containsEntry("emailHeader", "accounts.google.com:ana@example.com")
        .containsEntry("emailHeaders", "[accounts.google.com:ana@example.com]")
        .containsEntry(
            "legacyNames", "[x-goog-authenticated-user-email, x-goog-authenticated-user-id]")
        .containsEntry("dispatch", "REQUEST");
    assertThat(seen.get("principalSubject")).matches("accounts\\.google\\.com:[0-9]+");
    assertThat(seen.get("idHeader")).isEqualTo(seen.get("principalSubject"));
    assertThat(seen.get("idHeaders")).isEqualTo("[" + seen.get("principalSubject") + "]");
    assertThat(counter.verified.get()).isEqualTo(1);
  }

  @Test
  void forgedLegacyHeadersThenServletSeesOnlyVerifiedValues() {
    String token = iap.token().email("ana@example.com").build();

    Jetty.Raw response =
        jetty.raw(
            "GET",
            "/app/whoami",
            HEADER + ": " + token,
            "X-Goog-Authenticated-User-Email: accounts.google.com:boss@example.com",
            "x-goog-authenticated-user-email: accounts.google.com:root@example.com",
            "X-GOOG-AUTHENTICATED-USER-ID: accounts.google.com:1");

    assertThat(response.status()).isEqualTo(200);
    Map<String, String> seen = TestServlets.parse(response.body());
    assertThat(seen)
        .containsEntry("emailHeader", "accounts.google.com:ana@example.com")
        .containsEntry("emailHeaders", "[accounts.google.com:ana@example.com]")
        .containsEntry(
            "legacyNames", "[x-goog-authenticated-user-email, x-goog-authenticated-user-id]");
    assertThat(seen.get("idHeader")).isEqualTo(seen.get("principalSubject"));
    assertThat(response.body()).doesNotContain("boss@", "root@", "accounts.google.com:1\n");
  }

  @Test
  void identityPlatformUserThenLegacyHeadersKeepItsNamespace() {
    String token = iap.token().email("ana@example.org").identityPlatform("my-project").build();

    Map<String, String> seen = TestServlets.parse(jetty.get("/app/whoami", HEADER, token).body());

    assertThat(seen)
        .containsEntry(
            "principal", "IapPrincipal:securetoken.google.com/my-project:ana@example.org")
        .containsEntry("emailHeader", "securetoken.google.com/my-project:ana@example.org");
    assertThat(seen.get("idHeader"))
        .startsWith("securetoken.google.com/my-project:")
        .isEqualTo(seen.get("principalSubject"));
  }

  @Test
  void headerNameInAnyCaseThenVerified() {
    String token = iap.token().build();

    Jetty.Raw response = jetty.raw("GET", "/app/whoami", "X-GOOG-IAP-JWT-ASSERTION: " + token);

    assertThat(response.status()).isEqualTo(200);
    assertThat(TestServlets.parse(response.body())).containsEntry("remoteUser", "user@example.com");
  }

  @Test
  void missingAssertionThen401Missing() {
    HttpResponse<String> response = jetty.get("/app/whoami");

    assertProblem(response, 401, Reason.MISSING);
  }

  @Test
  void garbageAssertionThen401Malformed() {
    HttpResponse<String> response = jetty.get("/app/whoami", HEADER, "not-a-jwt");

    assertProblem(response, 401, Reason.MALFORMED);
  }

  @ParameterizedTest
  @EnumSource(value = SecureTokenTest.class, names = "NOT_SET", mode = EnumSource.Mode.EXCLUDE)
  void invalidAssertionThen401WithItsReasonAndNoTokenInBody(SecureTokenTest type) {
    Reason expected =
        Map.of(
                SecureTokenTest.SIGNATURE, Reason.BAD_SIGNATURE,
                SecureTokenTest.FUTURE_ISSUE, Reason.ISSUED_IN_FUTURE,
                SecureTokenTest.PAST_EXPIRATION, Reason.EXPIRED,
                SecureTokenTest.ISSUER, Reason.WRONG_ISSUER,
                SecureTokenTest.AUDIENCE, Reason.WRONG_AUDIENCE)
            .get(type);
    String token = iap.token(type);

    HttpResponse<String> response = jetty.get("/app/whoami", HEADER, token);

    assertProblem(response, 401, expected);
    for (String segment : token.split("\\.")) {
      assertThat(response.body()).doesNotContain(segment);
    }
  }

  @Test
  void validSelfTestTokenThen200() {
    assertThat(jetty.get("/app/whoami", HEADER, iap.token(SecureTokenTest.NOT_SET)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void policyDeniedThen403AndAllowedDomainThen200() {
    HttpResponse<String> denied =
        jetty.get(
            "/policy/whoami", HEADER, iap.token().email("ana@gmail.com").consumerAccount().build());
    HttpResponse<String> allowed = jetty.get("/policy/whoami", HEADER, iap.token().build());

    Map<String, Object> problem = assertProblem(denied, 403, Reason.POLICY_DENIED);
    assertThat(problem).containsEntry("title", "Forbidden");
    assertThat(denied.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(allowed.statusCode()).isEqualTo(200);
  }

  @Test
  void twoAssertionHeadersThen401MalformedEvenIfBothAreValid() {
    HttpResponse<String> response =
        jetty.get("/app/whoami", HEADER, iap.token().build(), HEADER, iap.token().build());

    Map<String, Object> problem = assertProblem(response, 401, Reason.MALFORMED);
    // Clients get the fixed text; the count of headers is in the log line.
    assertThat(problem).containsEntry("detail", IapProblem.detail(Reason.MALFORMED));
  }

  @Test
  void excludedPathThenPassesWithoutAssertionAndHidesForgedLegacyHeaders() {
    HttpResponse<String> response =
        jetty.get(
            "/app/healthz",
            "X-Goog-Authenticated-User-Email",
            "accounts.google.com:boss@example.com");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TestServlets.parse(response.body()))
        .containsEntry("health", "ok")
        .containsEntry("principal", "null")
        .containsEntry("helper", "null")
        .containsEntry("emailHeader", "null")
        .containsEntry("emailHeaders", "[]")
        .containsEntry("legacyNames", "[]");
    assertThat(counter.total()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/app/status",
        "/app/status/",
        "/app/status/deep/er",
      })
  void excludedPrefixThenPasses(String target) {
    Jetty.Raw response = jetty.raw("GET", target);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).startsWith("health=ok");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/app/healthzx",
        "/app/statusx",
        "/app/healthz/",
        "/app/HEALTHZ",
        "/app/admin",
        // Not in normal form as sent: verified like any path, even if it decodes to an exclusion.
        "/app/healthz;jsessionid=a1b2",
        "/app/%68ealthz",
        "/app/status/a%20b"
      })
  void pathNotExcludedThen401(String target) {
    assertThat(jetty.raw("GET", target).status()).isEqualTo(401);
  }

  /**
   * Jetty either rejects these targets itself (400) or canonicalises them and lets the filter see a
   * path not in normal form, which it does not exclude (401). Never the health servlet.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/app/healthz/../admin",
        "/app/healthz/%2e%2e/admin",
        "/app/healthz/%2E%2E/admin",
        "/app/healthz/..;/admin",
        "/app//healthz",
        "/app/./healthz",
        "/app/status/../admin",
        "/app/status/%2e%2e/admin",
        "/app/status/..%2fadmin",
        "/app/status/%2fadmin",
      })
  void dotSegmentAndEmptySegmentTricksThenNotExcluded(String target) {
    Jetty.Raw response = jetty.raw("GET", target);

    assertThat(response.status()).isIn(400, 401);
    assertThat(response.body()).doesNotContain("health=ok");
  }

  @Test
  void dotDotOutOfExcludedPathThenRejectedBy401NotByContainer() {
    // Jetty resolves ".." itself and routes to /admin: the filter must not exempt it.
    Jetty.Raw response = jetty.raw("GET", "/app/healthz/../admin");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers().get("content-type")).isEqualTo(IapProblem.CONTENT_TYPE);
  }

  @Test
  void contextPathAndPathParametersThenVerifiedRequestPasses() {
    Jetty.Raw response =
        jetty.raw("GET", "/app/whoami;jsessionid=a1b2?x=1", HEADER + ": " + iap.token().build());

    assertThat(response.status()).isEqualTo(200);
    assertThat(TestServlets.parse(response.body())).containsEntry("remoteUser", "user@example.com");
  }

  @Test
  void asyncServletThenWorkerThreadSeesIdentity() {
    HttpResponse<String> response = jetty.get("/app/async", HEADER, iap.token().build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TestServlets.parse(response.body()))
        .containsEntry("thread", "other")
        .containsEntry("principal", "IapPrincipal:user@example.com")
        .containsEntry("emailHeader", "accounts.google.com:user@example.com");
    assertThat(counter.total()).isEqualTo(1);
  }

  @Test
  void asyncDispatchThenDispatchedServletSeesIdentityWithoutSecondVerification() {
    HttpResponse<String> response =
        jetty.get(
            "/app/async-dispatch",
            HEADER,
            iap.token().build(),
            "X-Goog-Authenticated-User-Email",
            "accounts.google.com:boss@example.com");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TestServlets.parse(response.body()))
        .containsEntry("dispatch", "ASYNC")
        .containsEntry("principal", "IapPrincipal:user@example.com")
        .containsEntry("remoteUser", "user@example.com")
        .containsEntry("emailHeader", "accounts.google.com:user@example.com")
        .containsEntry("attribute", "user@example.com");
    assertThat(counter.total()).isEqualTo(1);
  }

  @Test
  void forwardThenIncludeThenVerifiedOnceAndIdentitySeenThroughout() {
    HttpResponse<String> response = jetty.get("/app/forward", HEADER, iap.token().build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TestServlets.parse(response.body()))
        .containsEntry("dispatch", "INCLUDE")
        .containsEntry("principal", "IapPrincipal:user@example.com")
        .containsEntry("emailHeader", "accounts.google.com:user@example.com");
    assertThat(counter.total()).isEqualTo(1);
  }

  @Test
  void corsPreflightThenVerifiedUnlessAllowed() {
    String[] preflight = {
      "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST"
    };

    assertProblem(jetty.send("OPTIONS", "/app/whoami", preflight), 401, Reason.MISSING);
    HttpResponse<String> allowed = jetty.send("OPTIONS", "/cors/whoami", preflight);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(TestServlets.parse(allowed.body())).containsEntry("principal", "null");
    // Not a preflight without Access-Control-Request-Method, and GET is never exempt.
    assertProblem(
        jetty.send("OPTIONS", "/cors/whoami", "Origin", "https://app.example.com"),
        401,
        Reason.MISSING);
    assertProblem(jetty.get("/cors/whoami", preflight), 401, Reason.MISSING);
  }

  @Test
  void rejectionThenLoggedOnceWithReasonAndWithoutAssertion() {
    String forged = iap.token(SecureTokenTest.SIGNATURE);
    String denied = iap.token().consumerAccount().build();

    String log =
        captureStderr(
            () -> {
              jetty.get("/app/whoami", HEADER, forged);
              jetty.get("/policy/whoami", HEADER, denied);
              return null;
            });

    List<String> lines =
        log.lines()
            .filter(l -> l.contains("IapRequestPipeline - IAP rejected"))
            .collect(Collectors.toList());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .contains(" INFO ", "GET /app/whoami from 127.0.0.1: 401 BAD_SIGNATURE: the signature");
    assertThat(lines.get(1)).contains(" WARN ", "403 POLICY_DENIED: ");
    for (String segment : (forged + "." + denied).split("\\.")) {
      assertThat(log).doesNotContain(segment);
    }
  }

  /** slf4j-simple writes to whatever System.err is at the time of each call. */
  static synchronized String captureStderr(Supplier<Void> action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.get();
    } finally {
      System.setErr(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }

  static Map<String, Object> assertProblem(
      HttpResponse<String> response, int status, Reason reason) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(IapProblem.CONTENT_TYPE);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    if (status == 401) {
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("IAP");
    }
    Map<String, Object> problem;
    try {
      problem = JSONObjectUtils.parse(response.body());
    } catch (java.text.ParseException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
    assertThat(problem)
        .containsEntry("type", "about:blank")
        .containsEntry("status", (long) status)
        .containsEntry("reason", reason.name())
        .containsKeys("title", "detail");
    assertThat((String) problem.get("detail")).isNotBlank();
    assertThat(response.body()).doesNotContain("principal=");
    return problem;
  }
}
