package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.github.iapverifier.KeySourceFixtures.AUDIENCE;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static io.github.iapverifier.KeySourceFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.ECKey;
import com.sun.net.httpserver.HttpServer;
import io.github.iapverifier.IapVerificationException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regressions of issue 14 in the key source: whose fault a failed lookup is (the token's, 401, or
 * the server's, 503), the key set URI rules, and the race in the rate-limited lookup.
 */
class RemoteKeySourceWhoseFaultTest extends KeySourceTestBase {

  private final ECKey k1 = p256("k1");
  private final ECKey k2 = p256("k2");

  /** A verifier whose keys (k1) were fetched with this Cache-Control, now at {@code clock}. */
  private IapVerifier warmVerifier(String cacheControl) {
    publish(jwks(k1), cacheControl);
    IapVerifier verifier =
        IapVerifier.builder()
            .audiences(AUDIENCE)
            .clock(clock)
            .remoteKeySource(sourceBuilder())
            .build();
    closeLater(verifier).warmUp();
    return verifier;
  }

  /** The reason a token signed by {@code key} now is rejected with. */
  private Reason reasonFor(IapVerifier verifier, ECKey key) {
    String token = token(key, clock.instant());
    return catchThrowableOfType(IapVerificationException.class, () -> verifier.verify(token))
        .reason();
  }

  @Test
  void verifyWhenUnknownKidAndKeyEndpointFailsThenKeysUnavailableNotUnknownKey() {
    IapVerifier verifier = warmVerifier("max-age=3600");
    respond(aResponse().withStatus(500));

    String signedByK2 = token(k2, clock.instant());
    IapVerificationException e =
        catchThrowableOfType(IapVerificationException.class, () -> verifier.verify(signedByK2));

    assertThat(e.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(e.getMessage()).contains("'k2'").contains("HTTP 500").contains(jwksUri().toString());
    assertThat(fetches()).as("the forced refresh was attempted").isEqualTo(2);
    // Backing off now: still the server's fault, and no fetch.
    assertThat(reasonFor(verifier, k2)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(fetches()).isEqualTo(2);
    assertThat(verifier.verify(token(k1, clock.instant())).email()).isEqualTo("alice@example.com");
  }

  @Test
  void verifyWhenUnknownKidAndForcedRefreshTimesOutThenKeysUnavailable() {
    IapVerifier verifier = warmVerifier("max-age=3600");
    respondHeld(aResponse().withBody(jwks(k1, k2)));

    assertThat(reasonFor(verifier, k2)).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void verifyWhenUnknownKidAndStaleKeysDuringOutageThenKeysUnavailable() {
    IapVerifier verifier = warmVerifier("max-age=600");
    respond(aResponse().withStatus(503));
    clock.advance(Duration.ofSeconds(700)); // expired: stale keys serve known kids

    assertThat(verifier.verify(token(k1, clock.instant())).email()).isEqualTo("alice@example.com");
    assertThat(reasonFor(verifier, k2)).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void verifyWhenUnknownKidAndSuccessfulFetchLacksItThenUnknownKeyAlsoWhileRateLimited() {
    IapVerifier verifier = warmVerifier("max-age=3600");

    assertThat(reasonFor(verifier, k2)).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(fetches()).isEqualTo(2);
    assertThat(reasonFor(verifier, k2)).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(events.rateLimited).containsExactly("k2");
  }

  @Test
  void verifyWhenRateLimitedAfterFailedFetchAndBackoffOverThenKeysUnavailable() {
    IapVerifier verifier = warmVerifier("max-age=3600");
    respond(aResponse().withStatus(500));
    assertThat(reasonFor(verifier, k2)).isEqualTo(Reason.KEYS_UNAVAILABLE);

    clock.advance(Duration.ofSeconds(2)); // the 1 s backoff is over, the 30 s rate limit holds
    assertThat(reasonFor(verifier, k2)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void statusWhenFetchingThenTellsUriFetchTimeAndLastErrorThroughTheKeySourceType() {
    IapKeySource keys = warmVerifier("max-age=600").keySource();
    IapKeySource.Status fresh = keys.status();
    assertThat(fresh.uri()).contains(jwksUri());
    assertThat(fresh.usable()).isTrue();
    assertThat(fresh.fetchedAt()).contains(clock.instant());
    assertThat(fresh.lastError()).isEmpty();

    respond(aResponse().withStatus(503));
    clock.advance(Duration.ofSeconds(601));
    keys.warmUp(); // expired: one synchronous attempt, then the stale keys serve

    assertThat(keys.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("503"));
    assertThat(keys.status().usable()).as("stale within the allowed staleness").isTrue();
    clock.advance(Duration.ofHours(25));
    assertThat(keys.status().usable()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://keys.example/jwk",
        "file:///etc/jwk",
        "/relative/jwk",
        "https://user:secret@keys.example/jwk",
        "http://user@127.0.0.1:8080/jwk",
        "mailto:keys@example.com"
      })
  void jwksUriWhenNotAbsoluteHttpWithoutUserInfoThenRejectedByBothBuilders(String uri) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.builder().jwksUri(URI.create(uri)))
        .withMessageContaining("jwksUri")
        .withMessageNotContaining("secret");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RemoteKeySource.builder().jwksUri(URI.create(uri)))
        .withMessageContaining("jwksUri");
  }

  @Test
  void buildWhenPlainHttpToNonLoopbackHostThenWarnsOnce() {
    String remote =
        captureStderr(
            () ->
                IapVerifier.builder()
                    .audiences(AUDIENCE)
                    .jwksUri(URI.create("http://keys.example/jwk"))
                    .build()
                    .close());
    assertThat(remote.lines().filter(l -> l.contains("plain http"))).as("one warning").hasSize(1);
    assertThat(remote).contains("WARN").contains("http://keys.example/jwk");

    for (String loopback :
        new String[] {"http://localhost:8080/jwk", "http://127.0.0.1/jwk", "http://[::1]:80/jwk"}) {
      assertThat(
              captureStderr(
                  () ->
                      IapVerifier.builder()
                          .audiences(AUDIENCE)
                          .jwksUri(URI.create(loopback))
                          .build()
                          .close()))
          .as(loopback)
          .doesNotContain("plain http");
    }
    assertThat(
            captureStderr(
                () ->
                    RemoteKeySource.builder()
                        .jwksUri(URI.create("https://keys.example/jwk"))
                        .build()
                        .close()))
        .doesNotContain("plain http");
  }

  /**
   * Regression (issue 14): a forced refresh that completes between a rate-limited lookup's read of
   * the key set and its check for a running fetch left that lookup with no fetch to join, and it
   * answered "unknown" although the new set held the kid. The window is opened on purpose: the
   * lookup reads the (stale) keys, the stale-keys event it sends from inside that window lets the
   * fetch complete, and only then does the lookup look for a running fetch.
   */
  @Test
  void keyWhenFetchCompletesBetweenReadAndRunningCheckThenNewKeyFound() throws Exception {
    AtomicReference<String> published = new AtomicReference<>(jwks(k1));
    CountDownLatch requestArrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        PATH,
        exchange -> {
          CountDownLatch held = gate.get();
          if (held != null) {
            requestArrived.countDown();
            await(held);
          }
          byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Cache-Control", "max-age=600");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      CountDownLatch fetched = new CountDownLatch(1);
      Thread lookingUp = Thread.currentThread();
      RemoteKeySource source =
          closeLater(
              sourceBuilder()
                  .jwksUri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH))
                  .requestTimeout(Duration.ofSeconds(30))
                  .forcedRefreshInterval(Duration.ofHours(1))
                  .eventListener(
                      new IapEventListener() {
                        @Override
                        public void keysFetched(URI uri, Duration took, java.util.Set<String> ids) {
                          if (ids.contains("k2")) {
                            fetched.countDown();
                          }
                        }

                        @Override
                        public void staleKeysServed(Duration age) {
                          if (Thread.currentThread() == lookingUp) {
                            release.countDown();
                            await(fetched);
                          }
                        }
                      })
                  .build());
      source.warmUp();
      assertThat(source.key("k2")).as("forced refresh, kid not yet published").isNull();

      published.set(jwks(k1, k2));
      gate.set(release);
      clock.advance(Duration.ofSeconds(700)); // the keys expire: the next lookup must fetch
      CompletableFuture<IapSigningKey> first =
          CompletableFuture.supplyAsync(() -> source.key("k2"));
      await(requestArrived);

      IapSigningKey found = source.key("k2");

      assertThat(found).as("the set fetched meanwhile holds k2").isNotNull();
      assertThat(first.get(30, TimeUnit.SECONDS)).isSameAs(found);
    } finally {
      server.stop(0);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What slf4j-simple logs during the action (it writes to System.err as it is at each call). */
  private static synchronized String captureStderr(Runnable action) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
