package io.github.iapverifier.test;

import com.nimbusds.jose.jwk.JWK;
import io.github.iapverifier.IapKeySource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What every fake proxy has: its keys, the loopback HTTP endpoint that serves them, and the clock
 * that dates its tokens. Thread-safe.
 */
abstract class FakeProxy implements AutoCloseable {

  private static final Set<Class<?>> WARMED = ConcurrentHashMap.newKeySet();
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final Clock clock;
  private final KeyRing keys;
  private final KeyEndpoint endpoint;

  /**
   * Makes the keys and starts serving them.
   *
   * @param path the context path: every path under it is answered by {@link #answer}
   */
  FakeProxy(Clock clock, Supplier<JWK> keyGenerator, String path, String what) {
    this.clock = clock;
    this.keys = new KeyRing(keyGenerator);
    this.endpoint = new KeyEndpoint(path, this::answer, what);
  }

  /**
   * Answers a request for keys, on the endpoint's thread (after construction: nobody knows the port
   * before).
   *
   * @param path the raw path requested
   * @return the answer, or null for 404
   */
  abstract KeyEndpoint.Answer answer(String path);

  /**
   * Returns a key source over the published keys, without HTTP. It follows {@link #rotateKeys()}
   * and {@link #retireOldKeys()}.
   *
   * @return a thread-safe key source
   */
  public IapKeySource keySource() {
    return keys.keySource();
  }

  /**
   * Publishes a new key and signs with it from now on; the previous keys stay published (as during
   * a real rotation) until {@link #retireOldKeys()}.
   *
   * @return the id of the new key
   */
  public String rotateKeys() {
    return keys.rotate();
  }

  /** Withdraws every key but the current signing key; tokens signed with them stop verifying. */
  public void retireOldKeys() {
    keys.retireOld();
  }

  /**
   * Returns the id of the key that signs new tokens.
   *
   * @return the current {@code kid}
   */
  public String currentKeyId() {
    return keys.signingKey().getKeyID();
  }

  /**
   * Makes the key endpoint answer 503 (true) or serve the keys again (false), to test how an app
   * behaves when the proxy's key endpoint is down.
   *
   * @param down whether the endpoint fails
   */
  public void simulateOutage(boolean down) {
    endpoint.outage(down);
  }

  /** Stops the key endpoint. */
  @Override
  public void close() {
    endpoint.close();
  }

  /**
   * Once per kind of fake in a JVM: fetches its keys over HTTP and runs {@code verification} (a
   * verifier of this fake checking one of its tokens), with patience. The first key fetch and
   * verification in a JVM load the HTTP client, the JOSE parser and the signature code, which takes
   * seconds on a loaded CI machine and must not be charged to the verifier under test (whose key
   * fetches time out after 2 s by default). The request count is reset afterwards.
   *
   * @param keyUri a URI the key endpoint answers
   * @param verification the verification to run; its failure is ignored (only a warm-up)
   */
  final void warmUpOnce(URI keyUri, Runnable verification) {
    if (!WARMED.add(getClass())) {
      return;
    }
    try {
      HttpClient.newBuilder()
          .connectTimeout(PATIENCE)
          .build()
          .send(
              HttpRequest.newBuilder(keyUri).timeout(PATIENCE).build(),
              HttpResponse.BodyHandlers.discarding());
      verification.run();
    } catch (IOException | RuntimeException e) {
      // Only a warm-up: the verifier under test reports whatever is really wrong.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      endpoint.resetRequests();
    }
  }

  Clock clock() {
    return clock;
  }

  KeyRing keys() {
    return keys;
  }

  KeyEndpoint endpoint() {
    return endpoint;
  }
}
