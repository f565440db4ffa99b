package io.github.iapverifier.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapSigningKey;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Identity-Aware Proxy for tests: it holds real P-256 keys, serves their JWKS over real
 * HTTP on a loopback port, and mints assertions signed exactly as IAP signs them. Point the code
 * under test at {@link #jwksUri()} (or give it {@link #keySource()}) and send {@link #token()}s in
 * the {@code x-goog-iap-jwt-assertion} header.
 *
 * <pre>{@code
 * try (FakeIap iap = FakeIap.start()) {
 *   IapVerifier verifier = iap.verifierBuilder().build();
 *   String assertion = iap.token().email("ana@example.com").hostedDomain("example.com").build();
 *   assertThat(verifier.verify(assertion).email()).isEqualTo("ana@example.com");
 * }
 * }</pre>
 *
 * <p>The first fake started in a JVM verifies one of its tokens against itself, over HTTP with
 * generous timeouts: the first key fetch in a JVM loads the HTTP client, the JOSE parser and the
 * signature code, which takes seconds on a loaded CI machine and must not be charged to the
 * verifier under test (whose key fetches time out after 2 s by default). {@link #jwksRequests()}
 * does not count that request.
 *
 * <p>Thread-safe. {@link #close()} stops the HTTP endpoint.
 */
public final class FakeIap implements AutoCloseable {

  /** The audience used when none is given: a valid App Engine audience of no real project. */
  public static final String DEFAULT_AUDIENCE = "/projects/1234567890/apps/fake-iap";

  /** The path the keys are served at, as on gstatic. */
  public static final String JWKS_PATH = "/iap/verify/public_key-jwk";

  /**
   * The invalid-token cases of IAP's own self-test ({@code
   * ?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=NAME}), and {@link #NOT_SET} for a
   * valid token.
   */
  public enum SecureTokenTest {
    /** A valid assertion. */
    NOT_SET,
    /** Signed by a key other than the published key it names. */
    SIGNATURE,
    /** Issued 5 minutes in the future. */
    FUTURE_ISSUE,
    /** Expired 10 minutes ago. */
    PAST_EXPIRATION,
    /** Issued by someone other than IAP. */
    ISSUER,
    /** Minted for another resource's audience. */
    AUDIENCE
  }

  private static final AtomicBoolean JVM_WARMED = new AtomicBoolean();

  private final IapAudience audience;
  private final Clock clock;
  private final HttpServer server;
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final Object keysLock = new Object();
  private volatile ECKey signingKey;
  private volatile List<ECKey> published;
  private volatile Map<String, IapSigningKey> publishedKeys;
  private volatile boolean outage;

  private FakeIap(IapAudience audience, Clock clock) {
    this.audience = audience;
    this.clock = clock;
    ECKey first = newKey();
    this.signingKey = first;
    publish(List.of(first));
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for the fake IAP", e);
    }
    server.createContext(JWKS_PATH, this::serveJwks);
    server.start();
  }

  private void warmUpJvmOnce() {
    if (!JVM_WARMED.compareAndSet(false, true)) {
      return;
    }
    Duration patience = Duration.ofSeconds(60);
    try (IapVerifier verifier =
        IapVerifier.builder()
            .audiences(audience)
            .clock(clock)
            .jwksUri(jwksUri())
            .remoteKeySource(
                RemoteKeySource.builder().connectTimeout(patience).requestTimeout(patience))
            .build()) {
      verifier.verify(token().build());
    } catch (RuntimeException e) {
      // Only a warm-up: the verifier under test reports whatever is really wrong.
    } finally {
      jwksRequests.set(0);
    }
  }

  /**
   * Starts a fake IAP for {@link #DEFAULT_AUDIENCE} on the system clock.
   *
   * @return the running fake; close it when done
   */
  public static FakeIap start() {
    return builder().start();
  }

  /**
   * Starts configuring a fake IAP.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the audience tokens are minted for by default.
   *
   * @return the audience, never null
   */
  public IapAudience audience() {
    return audience;
  }

  /**
   * Returns the URI of the JWKS endpoint, on {@code 127.0.0.1} (or the loopback address).
   *
   * @return the URI, never null
   */
  public URI jwksUri() {
    InetSocketAddress address = server.getAddress();
    return URI.create(
        "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + JWKS_PATH);
  }

  /**
   * Returns the published keys as JWKS text, as gstatic serves them.
   *
   * @return the public JWKS, never null
   */
  public String jwksJson() {
    return new JWKSet(new ArrayList<>(published)).toString(true);
  }

  /**
   * Returns a key source over the published keys, without HTTP. It follows {@link #rotateKeys()}
   * and {@link #retireOldKeys()}.
   *
   * @return a thread-safe key source
   */
  public IapKeySource keySource() {
    return keyId -> publishedKeys.get(keyId);
  }

  /**
   * Returns a verifier builder for this fake's audience fetching keys from {@link #jwksUri()}; add
   * policy or a clock and build.
   *
   * @return a new builder
   */
  public IapVerifier.Builder verifierBuilder() {
    return IapVerifier.builder().audiences(audience).jwksUri(jwksUri());
  }

  /**
   * Starts minting an assertion with IAP's defaults: issuer {@code https://cloud.google.com/iap},
   * this fake's audience, email {@code user@example.com} with hosted domain {@code example.com},
   * a subject {@code accounts.google.com:DIGITS} derived from the email, issued now for 10
   * minutes, signed by the current key.
   *
   * @return a token builder
   */
  public TokenBuilder token() {
    return new TokenBuilder(this);
  }

  /**
   * Mints the assertion IAP's self-test sends for a test type.
   *
   * @param type the self-test case, not null
   * @return a signed assertion that a correct verifier rejects (accepts for {@code NOT_SET})
   */
  public String token(SecureTokenTest type) {
    return token().secureTokenTest(type).build();
  }

  /**
   * Returns the subject that tokens for this email carry unless another is set: {@code
   * accounts.google.com:} and 21 digits, stable for the email (as a Google account id is). Useful
   * where the subject must also appear elsewhere, such as the legacy {@code
   * x-goog-authenticated-user-id} header.
   *
   * @param email the address, not null
   * @return the subject, never null
   */
  public static String googleSubject(String email) {
    return "accounts.google.com:" + TokenBuilder.digits(Objects.requireNonNull(email, "email"));
  }

  /**
   * Publishes a new key and signs with it from now on; the previous keys stay published (as
   * during a real rotation) until {@link #retireOldKeys()}.
   *
   * @return the id of the new key
   */
  public String rotateKeys() {
    synchronized (keysLock) {
      ECKey next = newKey();
      List<ECKey> keys = new ArrayList<>(published);
      keys.add(next);
      publish(keys);
      signingKey = next;
      return next.getKeyID();
    }
  }

  /** Withdraws every key but the current signing key; tokens signed with them stop verifying. */
  public void retireOldKeys() {
    synchronized (keysLock) {
      publish(List.of(signingKey));
    }
  }

  /**
   * Returns the id of the key that signs new tokens.
   *
   * @return the current {@code kid}
   */
  public String currentKeyId() {
    return signingKey.getKeyID();
  }

  /**
   * Makes the JWKS endpoint answer 503 (true) or serve the keys again (false), to test how an app
   * behaves when Google's key endpoint is down.
   *
   * @param down whether the endpoint fails
   */
  public void simulateOutage(boolean down) {
    this.outage = down;
  }

  /**
   * Returns how many times the JWKS endpoint was requested.
   *
   * @return the request count
   */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** Stops the JWKS endpoint. */
  @Override
  public void close() {
    server.stop(0);
  }

  Clock clock() {
    return clock;
  }

  ECKey signingKey() {
    return signingKey;
  }

  private void publish(List<ECKey> keys) {
    Map<String, IapSigningKey> byId = new LinkedHashMap<>();
    for (ECKey key : keys) {
      try {
        byId.put(key.getKeyID(), IapSigningKey.of(key.getKeyID(), key.toECPublicKey()));
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }
    List<ECKey> publicKeys = new ArrayList<>();
    keys.forEach(k -> publicKeys.add(k.toPublicJWK()));
    this.published = List.copyOf(publicKeys);
    this.publishedKeys = Map.copyOf(byId);
  }

  private void serveJwks(HttpExchange exchange) throws IOException {
    jwksRequests.incrementAndGet();
    try (exchange) {
      if (outage) {
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      byte[] body = jwksJson().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "public, max-age=300");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static ECKey newKey() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyIDFromThumbprint(true)
          .algorithm(JWSAlgorithm.ES256)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  static String sign(ECKey key, String keyId, Map<String, Object> claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256)
                  .type(JOSEObjectType.JWT)
                  .keyID(keyId)
                  .build(),
              JWTClaimsSet.parse(claims));
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException | java.text.ParseException e) {
      throw new IllegalStateException("cannot sign the assertion", e);
    }
  }

  /** Configures a {@link FakeIap}. Not thread-safe. */
  public static final class Builder {
    private IapAudience audience = IapAudience.of(DEFAULT_AUDIENCE);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the audience tokens are minted for by default.
     *
     * @param audience the audience, not null
     * @return this builder
     */
    public Builder audience(IapAudience audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * Sets the audience from its string form.
     *
     * @param audience an IAP audience string, not null
     * @return this builder
     */
    public Builder audience(String audience) {
      return audience(IapAudience.of(audience));
    }

    /**
     * Sets the clock that dates minted tokens. Default: the system UTC clock.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Starts the fake.
     *
     * @return the running fake; close it when done
     */
    public FakeIap start() {
      FakeIap fake = new FakeIap(audience, clock);
      fake.warmUpJvmOnce();
      return fake;
    }
  }
}
