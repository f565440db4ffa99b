package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.p256;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.iapverifier.KeySourceFixtures.MutableClock;
import io.github.iapverifier.KeySourceFixtures.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A WireMock server publishing a JWKS at {@value #PATH}, and sources that are always closed. */
abstract class KeySourceTestBase {

  static final String PATH = "/iap/verify/public_key-jwk";
  /**
   * The production default: what a fetch from WireMock takes even on a heavily loaded machine is
   * far below it. Tests of timeouts use responses that never come ({@link #respondHeld}) or drip
   * for far longer, so that only the timeout can end the wait.
   */
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  static final HeldResponses held = new HeldResponses();

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(held))
          .build();

  final MutableClock clock = new MutableClock();
  final RecordingListener events = new RecordingListener();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /**
   * The first fetch in a JVM loads the HTTP client, WireMock's matching, nimbus and BouncyCastle
   * (up to 2 s on a busy machine); do it once here so that time bounds in tests measure the code
   * under test, not class loading.
   */
  @BeforeAll
  static void warmUpJvm() {
    wm.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withBody(jwks(p256("warm-up")))));
    try (RemoteKeySource warm =
        RemoteKeySource.builder()
            .jwksUri(URI.create(wm.baseUrl() + PATH))
            .requestTimeout(Duration.ofSeconds(30))
            .build()) {
      warm.warmUp();
    }
    wm.resetAll();
  }

  @AfterEach
  void closeSources() throws Exception {
    held.releaseAll();
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  URI jwksUri() {
    return URI.create(wm.baseUrl() + PATH);
  }

  RemoteKeySource.Builder sourceBuilder() {
    return RemoteKeySource.builder()
        .jwksUri(jwksUri())
        .clock(clock)
        .eventListener(events)
        .connectTimeout(TIMEOUT)
        .requestTimeout(TIMEOUT);
  }

  RemoteKeySource source() {
    return source(UnaryOperator.identity());
  }

  RemoteKeySource source(UnaryOperator<RemoteKeySource.Builder> tuning) {
    return closeLater(tuning.apply(sourceBuilder()).build());
  }

  <T extends AutoCloseable> T closeLater(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  /** Publishes this JWKS from now on, with this Cache-Control (null: none). */
  static void publish(String jwks, String cacheControl) {
    ResponseDefinitionBuilder r =
        aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(jwks);
    if (cacheControl != null) {
      r = r.withHeader("Cache-Control", cacheControl);
    }
    respond(r);
  }

  /** Answers every fetch with this response from now on. */
  static void respond(ResponseDefinitionBuilder response) {
    wm.resetMappings();
    wm.stubFor(get(urlEqualTo(PATH)).willReturn(response));
  }

  /**
   * Answers every fetch from now on with this response, but only once the test calls {@link
   * HeldResponses#releaseAll} (at the latest when it ends): a key server that hangs for exactly as
   * long as the test needs, so that what happens meanwhile is shown without timing anything.
   */
  static void respondHeld(ResponseDefinitionBuilder response) {
    wm.resetMappings();
    wm.stubFor(
        get(urlEqualTo(PATH))
            .withServeEventListener(
                ServeEventListener.RequestPhase.BEFORE_RESPONSE_SENT,
                HeldResponses.NAME,
                Parameters.empty())
            .willReturn(response));
  }

  /** Holds the responses of the stubs that name it until released. Thread-safe. */
  static final class HeldResponses implements ServeEventListener {
    static final String NAME = "held";
    /** Never reached in a passing test; frees WireMock's thread if a test forgot to release. */
    private static final long MAX_HOLD_SECONDS = 120;

    private final AtomicInteger holding = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(1);

    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public void beforeResponseSent(ServeEvent serveEvent, Parameters parameters) {
      CountDownLatch mine = gate;
      holding.incrementAndGet();
      try {
        mine.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        holding.decrementAndGet();
      }
    }

    /** How many requests are being held now. */
    int holding() {
      return holding.get();
    }

    /** Lets every held response go; responses held from now on wait for the next release. */
    void releaseAll() {
      CountDownLatch released = gate;
      gate = new CountDownLatch(1);
      released.countDown();
    }
  }

  static int fetches() {
    return wm.findAll(getRequestedFor(urlEqualTo(PATH))).size();
  }
}
