package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.p256;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.iapverifier.KeySourceFixtures.MutableClock;
import io.github.iapverifier.KeySourceFixtures.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A WireMock server publishing a JWKS at {@value #PATH}, and sources that are always closed. */
abstract class KeySourceTestBase {

  static final String PATH = "/iap/verify/public_key-jwk";
  /**
   * Short, so that outage tests stay fast (slow responses are delayed well beyond it), yet ten
   * times what a warm fetch from WireMock takes on a busy machine.
   */
  static final Duration TIMEOUT = Duration.ofMillis(500);
  /** A response delay that the timeout always cuts. */
  static final int BEYOND_TIMEOUT_MS = 1500;
  /** Scheduling slack on a busy machine, added to time bounds. */
  static final long SLACK_MS = 250;

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

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

  static int fetches() {
    return wm.findAll(getRequestedFor(urlEqualTo(PATH))).size();
  }
}
