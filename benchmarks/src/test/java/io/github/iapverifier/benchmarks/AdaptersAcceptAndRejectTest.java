package io.github.iapverifier.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapVerifier;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Proves that every adapter {@link AdapterBenchmark} times, servlet and reactive, really verifies
 * before it is timed:
 * through the benchmark's own set-up (its states and pools), valid assertions reach the app with
 * the right user and rejected ones are answered 401 for the right reason without reaching it. Also
 * proves the set-up check itself can fail, and that the resource server fetched its keys once.
 */
class AdaptersAcceptAndRejectTest {

  static final List<String> KINDS =
      List.of("repeated", "neverSeen", "garbage", "wrongAudience", "expired");

  static final AtomicInteger FETCHES = new AtomicInteger();
  static ConfigurableApplicationContext resourceServer;

  @BeforeAll
  static void startResourceServer() {
    resourceServer = Adapters.resourceServerContext(Fixtures.create(), FETCHES);
  }

  @AfterAll
  static void stopResourceServer() {
    resourceServer.close();
  }

  static Stream<Arguments> kinds() {
    return KINDS.stream().map(Arguments::of);
  }

  static AdapterBenchmark benchmark(String kind) {
    AdapterBenchmark b = new AdapterBenchmark();
    b.assertion = kind;
    b.setUp();
    return b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void servletFilterWhenBenchmarkSetUpThenVerifiesAsExpected(String kind) throws Exception {
    AdapterBenchmark b = benchmark(kind);
    AdapterBenchmark.ServletFilter state = new AdapterBenchmark.ServletFilter();
    state.setUp(b); // runs the benchmark's own check
    try {
      expect(b, state.edge, kind, true);
    } finally {
      state.tearDown();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void iapSecurityChainWhenBenchmarkSetUpThenVerifiesAsExpected(String kind) throws Exception {
    expectInContext(kind, new AdapterBenchmark.IapSecurityChain(), true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void resourceServerChainWhenBenchmarkSetUpThenVerifiesAsExpected(String kind) throws Exception {
    AdapterBenchmark b = expectInContext(kind, new AdapterBenchmark.ResourceServerChain(), false);
    // And the shared context of this class: the keys were fetched once, not per request.
    expect(b, Adapters.servlet(Adapters.springSecurityFilterChain(resourceServer)), kind, false);
    assertThat(FETCHES).hasValueLessThanOrEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void webFilterWhenBenchmarkSetUpThenVerifiesAsExpected(String kind) throws Exception {
    expectInContext(kind, new AdapterBenchmark.WebFilter(), true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void webFilterInlineWhenBenchmarkSetUpThenVerifiesAsExpected(String kind) throws Exception {
    expectInContext(kind, new AdapterBenchmark.WebFilterInline(), true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void reactiveSecurityChainWhenBenchmarkSetUpThenVerifiesAsExpected(String kind)
      throws Exception {
    expectInContext(kind, new AdapterBenchmark.ReactiveSecurityChain(), true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void reactiveResourceServerChainWhenBenchmarkSetUpThenVerifiesAsExpected(String kind)
      throws Exception {
    expectInContext(kind, new AdapterBenchmark.ReactiveResourceServerChain(), false);
  }

  @Test
  void reactiveExchangeOnlyWhenCalledThenAppReachedWithoutPrincipal() throws Exception {
    AdapterBenchmark.PerThread t = new AdapterBenchmark.PerThread();
    Object response = AdapterBaselineBenchmark.REACTIVE_APP.send("any", t.app);

    assertThat(Adapters.status(response)).isEqualTo(200);
    assertThat(t.app.calls()).isEqualTo(1);
    assertThat(t.app.take()).isNull();
  }

  /** Runs the state's own set-up check, then {@link #expect}s on its edge. */
  private static AdapterBenchmark expectInContext(
      String kind, AdapterBenchmark.InContext state, boolean iap) throws Exception {
    AdapterBenchmark b = benchmark(kind);
    state.setUp(b);
    try {
      expect(b, state.edge, kind, iap);
    } finally {
      state.tearDown();
    }
    return b;
  }

  @Test
  void checkWhenAnAdapterLetsGarbageThroughThenTheTrialFails() {
    AdapterBenchmark b = benchmark("garbage");
    Filter passThrough = (request, response, chain) -> chain.doFilter(request, response);
    assertThatThrownBy(() -> b.check("pass-through", Adapters.servlet(passThrough)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("garbage");
  }

  @Test
  void checkWhenAnAdapterRejectsAValidAssertionThenTheTrialFails() {
    AdapterBenchmark b = benchmark("repeated");
    Filter rejectAll =
        (request, response, chain) -> ((HttpServletResponse) response).setStatus(401);
    assertThatThrownBy(() -> b.check("reject-all", Adapters.servlet(rejectAll)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("repeated");
  }

  @Test
  void checkWhenTheReactiveFilterLeavesTheCallingThreadThenTheTrialFails() {
    AdapterBenchmark b = benchmark("repeated");
    // A key source that cannot answer from memory: the filter verifies on bounded-elastic.
    IapKeySource jwks = IapKeySource.fromJwks(b.fx.jwks());
    IapVerifier verifier =
        IapVerifier.builder()
            .audiences(Fixtures.AUDIENCE)
            .keySource(jwks::key)
            .clock(Fixtures.CLOCK)
            .build();
    try (ConfigurableApplicationContext context = Adapters.reactiveContext(verifier, false)) {
      Adapters.Edge hopping = Adapters.reactive(Adapters.reactiveHandler(context));
      assertThatThrownBy(() -> b.check("hopping", hopping, true))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not on the calling thread");
    } finally {
      verifier.close();
    }
  }

  @Test
  void poolWhenNeverSeenThenEveryTokenIsDistinct() {
    AdapterBenchmark b = benchmark("neverSeen");
    assertThat(Stream.of(b.pool).distinct()).hasSize(AdapterBenchmark.POOL);
  }

  /** Sends pool entries through the adapter as the benchmark method does, and checks each. */
  private static void expect(AdapterBenchmark b, Adapters.Edge adapter, String kind, boolean iap)
      throws Exception {
    AdapterBenchmark.PerThread t = new AdapterBenchmark.PerThread();
    for (int i = 0; i < 3; i++) {
      int index = t.cursor;
      Object result = t.exchange(adapter, b.pool);
      if (b.accepted()) {
        int user = "repeated".equals(kind) ? 7 : index;
        assertThat(result).isInstanceOf(Principal.class);
        String name = ((Principal) result).getName();
        // The IAP adapters name the user by email; Spring's JwtAuthenticationToken by sub.
        assertThat(name)
            .isEqualTo(
                iap
                    ? "user" + user + "@example.com"
                    : "accounts.google.com:" + (107691503500061507L + user));
      } else {
        assertThat(result).isNotInstanceOf(Principal.class);
        assertThat(Adapters.status(result)).isEqualTo(401);
        if (iap) {
          assertThat(Adapters.body(result)).contains("\"reason\":\"" + reason(kind) + "\"");
        } else {
          assertThat(Adapters.header(result, "WWW-Authenticate"))
              .contains("invalid_token")
              .containsIgnoringCase(springDetail(kind));
        }
      }
    }
    assertThat(t.app.calls()).isEqualTo(b.accepted() ? 3 : 0);
  }

  private static String reason(String kind) {
    switch (kind) {
      case "garbage":
        return "MALFORMED";
      case "wrongAudience":
        return "WRONG_AUDIENCE";
      default:
        return "EXPIRED";
    }
  }

  private static String springDetail(String kind) {
    switch (kind) {
      case "garbage": // "Malformed token" (servlet), "Invalid JSON object" (reactive)
        return "attempting to decode the Jwt";
      case "wrongAudience":
        return "aud claim";
      default:
        return "expired";
    }
  }
}
