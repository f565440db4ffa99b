package io.github.iapverifier.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeAwsAlb;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.web.IapDecision.Outcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class IapRequestPipelineTest {

  static FakeIap iap;
  static IapVerifier verifier;
  static final List<Reason> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    iap = FakeIap.builder().audience("/projects/123456789012/apps/billing").start();
    verifier =
        iap.verifierBuilder()
            .allowedHostedDomains("example.com")
            .eventListener(
                new io.github.iapverifier.IapEventListener() {
                  @Override
                  public void rejected(IapVerificationException failure) {
                    events.add(failure.reason());
                  }
                })
            .build();
  }

  @AfterAll
  static void stop() {
    verifier.close();
    iap.close();
  }

  private final RecordingLogger log = new RecordingLogger(Level.TRACE);

  private IapRequestPipeline.Builder builder() {
    return IapRequestPipeline.builder().logger(log);
  }

  @Test
  void decideWhenOneValidAssertionThenVerifiedWithIdentityAndNothingLogged() {
    String token = iap.token().email("ana@example.com").build();

    IapDecision decision =
        builder()
            .build(verifier)
            .decide(TestRequest.get("/hello").header(IapVerifier.HEADER, token));

    assertThat(decision.outcome()).isEqualTo(Outcome.VERIFIED);
    assertThat(decision.identity().email()).isEqualTo("ana@example.com");
    assertThat(decision.problem()).isNull();
    assertThat(log.lines).isEmpty();
  }

  @Test
  void decideIfReadyWhenKeysNotLoadedThenEmptyUntilDecideLoadsThem() {
    try (IapVerifier cold = iap.verifierBuilder().build()) {
      IapRequestPipeline pipeline = builder().excludedPaths("/healthz").build(cold);
      String token = iap.token().email("ana@example.com").build();

      assertThat(pipeline.decideIfReady(TestRequest.get("/hello").header(IapVerifier.HEADER, token)))
          .isEmpty();
      assertThat(log.lines).isEmpty();
      assertThat(pipeline.decideIfReady(TestRequest.get("/healthz")))
          .hasValueSatisfying(d -> assertThat(d.outcome()).isEqualTo(Outcome.EXEMPT));
      assertThat(pipeline.decideIfReady(TestRequest.get("/hello")))
          .hasValueSatisfying(d -> assertThat(d.outcome()).isEqualTo(Outcome.NO_ASSERTION));
      assertThat(
              pipeline
                  .decideIfReady(TestRequest.get("/hello").header(IapVerifier.HEADER, "a.b.c"))
                  .orElseThrow()
                  .problem()
                  .status())
          .isEqualTo(401);
      assertThat(log.lines).hasSize(1);

      assertThat(
              pipeline.decide(TestRequest.get("/hello").header(IapVerifier.HEADER, token)).outcome())
          .isEqualTo(Outcome.VERIFIED);
      String another = iap.token().email("bo@example.com").build();
      assertThat(
              pipeline.decideIfReady(TestRequest.get("/hello").header(IapVerifier.HEADER, another)))
          .hasValueSatisfying(d -> assertThat(d.identity().email()).isEqualTo("bo@example.com"));
    }
  }

  @Test
  void decideWhenNoHeaderOrBlankThenNoAssertionNotLogged() {
    IapRequestPipeline pipeline = builder().build(verifier);

    assertThat(pipeline.decide(TestRequest.get("/hello")).outcome())
        .isEqualTo(Outcome.NO_ASSERTION);
    assertThat(pipeline.decide(TestRequest.get("/hello").header(IapVerifier.HEADER, " ")).outcome())
        .isEqualTo(Outcome.NO_ASSERTION);
    assertThat(log.lines).isEmpty();
  }

  @Test
  void decideWhenTwoHeadersThenMalformedEvenIfBothValid() {
    String token = iap.token().build();

    IapDecision decision =
        builder()
            .build(verifier)
            .decide(
                TestRequest.get("/hello")
                    .header(IapVerifier.HEADER, token)
                    .header(IapVerifier.HEADER, token));

    assertThat(decision.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(decision.problem().status()).isEqualTo(401);
    assertThat(decision.problem().reason()).isEqualTo("MALFORMED");
    assertThat(log.lines).singleElement().satisfies(l -> assertThat(l.text()).contains("2 x-goog"));
  }

  @Test
  void decideWhenWrongAudienceThenTerseBodyAndFullLogLine() {
    String token = iap.token(FakeIap.SecureTokenTest.AUDIENCE);

    IapDecision decision =
        builder()
            .build(verifier)
            .decide(TestRequest.get("/hello").header(IapVerifier.HEADER, token));

    assertThat(decision.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(decision.problem().bodyText())
        .contains(IapProblem.detail(Reason.WRONG_AUDIENCE))
        .doesNotContain("123456789012");
    assertThat(log.lines)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.level()).isEqualTo(Level.INFO);
              assertThat(line.text())
                  .startsWith("IAP rejected GET /ctx/hello from 192.0.2.7: 401 WRONG_AUDIENCE: ")
                  .contains("/projects/123456789012/apps/billing")
                  .doesNotContain(token)
                  .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
            });
  }

  @Test
  void decideWhenMessageIncludedThenClientSeesIt() {
    IapDecision decision =
        builder()
            .includeRejectionMessage(true)
            .build(verifier)
            .decide(
                TestRequest.get("/hello")
                    .header(IapVerifier.HEADER, iap.token(FakeIap.SecureTokenTest.AUDIENCE)));

    assertThat(decision.problem().bodyText()).contains("/projects/123456789012/apps/billing");
  }

  @Test
  void decideWhenPolicyDeniedThen403LoggedAtWarnByDefault() {
    String token = iap.token().email("eve@other.org").hostedDomain("other.org").build();

    IapDecision decision =
        builder().build(verifier).decide(TestRequest.get("/x").header(IapVerifier.HEADER, token));

    assertThat(decision.problem().status()).isEqualTo(403);
    assertThat(log.lines).extracting(RecordingLogger.Line::level).containsExactly(Level.WARN);
  }

  @Test
  void rejectWhenLevelConfiguredPerReasonThenLoggedAtThatLevelOnly() {
    RecordingLogger infoOnly = new RecordingLogger(Level.INFO);
    IapRequestPipeline pipeline =
        IapRequestPipeline.builder()
            .logger(infoOnly)
            .rejectionLogLevel(Level.ERROR)
            .rejectionLogLevel(Reason.MISSING, Level.DEBUG)
            .build(verifier);

    pipeline.rejectMissing(TestRequest.get("/a"));
    pipeline.reject(
        TestRequest.get("/b"), new IapVerificationException(Reason.EXPIRED, "expired at X"));

    assertThat(infoOnly.lines)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.level()).isEqualTo(Level.ERROR);
              assertThat(line.text()).contains("/ctx/b").endsWith("401 EXPIRED: expired at X");
            });
  }

  @Test
  void rejectMissingThen401MissingLoggedAndCountedByTheVerifier() {
    int before = (int) events.stream().filter(r -> r == Reason.MISSING).count();

    IapProblem problem = builder().build(verifier).rejectMissing(TestRequest.of("POST", "/x"));

    assertThat(problem.status()).isEqualTo(401);
    assertThat(problem.reason()).isEqualTo("MISSING");
    assertThat(problem.headers()).containsEntry("WWW-Authenticate", "IAP");
    assertThat(log.lines).singleElement().satisfies(l -> assertThat(l.text()).contains("POST"));
    assertThat(events.stream().filter(r -> r == Reason.MISSING).count()).isEqualTo(before + 1);
  }

  @Test
  void decideWhenExcludedPathInNormalFormThenExemptWhateverTheHeader() {
    IapRequestPipeline pipeline = builder().excludedPaths("/healthz", "/status/**").build(verifier);

    assertThat(pipeline.decide(TestRequest.get("/healthz")).outcome()).isEqualTo(Outcome.EXEMPT);
    assertThat(
            pipeline
                .decide(TestRequest.get("/status/deep").header(IapVerifier.HEADER, "garbage"))
                .outcome())
        .isEqualTo(Outcome.EXEMPT);
    assertThat(pipeline.decide(TestRequest.get("/healthz/../admin")).outcome())
        .isEqualTo(Outcome.NO_ASSERTION);
    assertThat(pipeline.decide(TestRequest.get("/health%7A")).outcome())
        .isEqualTo(Outcome.NO_ASSERTION);
  }

  @Test
  void decideWhenAdapterCannotTellPathThenNothingExempt() {
    IapRequestPipeline pipeline = builder().excludedPaths("/healthz").build(verifier);
    IapHttpRequest unknownPath =
        new IapHttpRequest() {
          @Override
          public String method() {
            return "GET";
          }

          @Override
          public String path() {
            return "/healthz";
          }

          @Override
          public String pathWithinApplication() {
            return null;
          }

          @Override
          public List<String> headers(String name) {
            return List.of();
          }

          @Override
          public String remoteAddress() {
            return null;
          }
        };

    assertThat(pipeline.decide(unknownPath).outcome()).isEqualTo(Outcome.NO_ASSERTION);
  }

  @Test
  void decideWhenPreflightThenExemptOnlyWhenAllowed() {
    TestRequest preflight =
        TestRequest.of("OPTIONS", "/api")
            .header("Origin", "https://app.example.com")
            .header("Access-Control-Request-Method", "POST");

    assertThat(builder().build(verifier).decide(preflight).outcome())
        .isEqualTo(Outcome.NO_ASSERTION);
    assertThat(builder().allowCorsPreflight(true).build(verifier).decide(preflight).outcome())
        .isEqualTo(Outcome.EXEMPT);
    assertThat(
            builder()
                .allowCorsPreflight(true)
                .build(verifier)
                .decide(TestRequest.of("OPTIONS", "/api").header("Origin", "https://a"))
                .outcome())
        .as("a plain OPTIONS is no preflight")
        .isEqualTo(Outcome.NO_ASSERTION);
  }

  @Test
  void decideWhenHostileInputThenRejectedNeverThrown() {
    IapRequestPipeline pipeline = builder().excludedPaths("/healthz").build(verifier);
    String[] assertions = {
      "a.b.c", "....", "x".repeat(20_000), "\u0000\n\r", "e30.e30.", iap.token() + ".x"
    };
    for (String assertion : assertions) {
      IapDecision decision =
          pipeline.decide(
              TestRequest.of("G\u0000T\n", "/\u0007%zz").header(IapVerifier.HEADER, assertion));
      assertThat(decision.outcome()).isEqualTo(Outcome.REJECTED);
      assertThat(decision.problem().status()).isEqualTo(401);
    }
    assertThat(log.lines).allSatisfy(l -> assertThat(l.text()).doesNotContain("\n", "\u0000"));
  }

  @Test
  void builderWhenExcludedPathMalformedThenFailsFast() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapRequestPipeline.builder().excludedPaths("/healthz", "/**"))
        .withMessageContaining("whole application");
  }

  @Test
  void legacyHeadersWhenGoogleAccountThenIapFormat() {
    IapIdentity ana = verifier.verify(iap.token().email("ana@example.com").build());

    assertThat(IapLegacyHeaders.of(ana))
        .containsExactly(
            java.util.Map.entry(IapLegacyHeaders.EMAIL, "accounts.google.com:ana@example.com"),
            java.util.Map.entry(IapLegacyHeaders.ID, FakeIap.googleSubject("ana@example.com")));
    assertThat(IapLegacyHeaders.of(null)).isEmpty();
    assertThat(IapLegacyHeaders.isLegacy("X-Goog-Authenticated-User-Email")).isTrue();
    assertThat(IapLegacyHeaders.isLegacy("x-goog-iap-jwt-assertion")).isFalse();
  }

  @Test
  void legacyHeadersWhenIdentityPlatformThenNamespaceKept() {
    IapIdentity ext;
    try (IapVerifier noPolicy = iap.verifierBuilder().build()) {
      ext = noPolicy.verify(iap.token().email("bo@ext.com").identityPlatform("proj").build());
    }

    assertThat(IapLegacyHeaders.email(ext)).isEqualTo(ext.email());
    assertThat(IapLegacyHeaders.email(ext)).startsWith("securetoken.google.com/proj:");
    assertThat(IapLegacyHeaders.id(ext)).isEqualTo(ext.subject());
  }

  @Test
  void printableWhenControlOrLongThenBoundedAndSafe() {
    assertThat(IapHttpRequest.printable("a\nb\u0000c\u00e9")).isEqualTo("a?b?c?");
    assertThat(IapHttpRequest.printable("x".repeat(300))).hasSize(203).endsWith("...");
    assertThat(IapHttpRequest.printable(null)).isEqualTo("null");
  }

  @Test
  void decideWhenAlbVerifierThenOnlyTheAlbHeaderIsReadAndMissingNamesIt() {
    try (FakeAwsAlb alb = FakeAwsAlb.start();
        IapVerifier albVerifier =
            IapVerifier.awsAlb().signers(alb.signer()).keyEndpoint(alb.keyEndpoint()).build()) {
      IapRequestPipeline pipeline = builder().build(albVerifier);
      String token = alb.token().email("ana@example.com").build();

      IapDecision verified =
          pipeline.decide(TestRequest.get("/x").header("X-Amzn-Oidc-Data", token));
      IapDecision inGooglesHeader =
          pipeline.decide(TestRequest.get("/x").header(IapVerifier.HEADER, token));
      IapDecision twice =
          pipeline.decide(
              TestRequest.get("/x")
                  .header("x-amzn-oidc-data", token)
                  .header("x-amzn-oidc-data", token));

      assertThat(verified.outcome()).isEqualTo(Outcome.VERIFIED);
      assertThat(verified.identity().email()).isEqualTo("ana@example.com");
      assertThat(inGooglesHeader.outcome()).isEqualTo(Outcome.NO_ASSERTION);
      assertThat(twice.problem().reason()).isEqualTo("MALFORMED");
      assertThat(log.lines).anyMatch(l -> l.text().contains("2 x-amzn-oidc-data headers"));
      assertThat(pipeline.rejectMissing(TestRequest.get("/x")).bodyText())
          .contains(IapProblem.detail(Reason.MISSING));
      assertThat(pipeline.toString()).startsWith("IapRequestPipeline[proxy=aws-alb, ");
      assertThat(
              builder()
                  .includeRejectionMessage(true)
                  .build(albVerifier)
                  .rejectMissing(TestRequest.get("/x"))
                  .bodyText())
          .contains("the request carries no x-amzn-oidc-data header");
    }
  }
}
