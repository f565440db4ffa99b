package io.github.iapverifier.test;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * A fake Identity-Aware Proxy for tests: it holds real P-256 keys, serves their JWKS over real HTTP
 * on a loopback port, and mints assertions signed exactly as IAP signs them. Point the code under
 * test at {@link #jwksUri()} (or give it {@link #keySource()}) and send {@link #token()}s in the
 * {@code x-goog-iap-jwt-assertion} header.
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
public final class FakeIap extends FakeProxy {

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

  private final IapAudience audience;

  private FakeIap(IapAudience audience, Clock clock) {
    super(clock, KeyRing::es256ThumbprintId, JWKS_PATH, "fake IAP");
    this.audience = audience;
  }

  @Override
  KeyEndpoint.Answer answer(String path) {
    return new KeyEndpoint.Answer(jwksJson(), "application/json", "public, max-age=300");
  }

  private void warmUpJvmOnce() {
    Duration patience = Duration.ofSeconds(60);
    warmUpOnce(
        jwksUri(),
        () -> {
          try (IapVerifier verifier =
              verifierBuilder()
                  .clock(clock())
                  .remoteKeySource(
                      RemoteKeySource.builder().connectTimeout(patience).requestTimeout(patience))
                  .build()) {
            verifier.verify(token().build());
          }
        });
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
    return URI.create(endpoint().baseUri() + JWKS_PATH);
  }

  /**
   * Returns the published keys as JWKS text, as gstatic serves them.
   *
   * @return the public JWKS, never null
   */
  public String jwksJson() {
    return keys().jwksJson();
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
   * this fake's audience, email {@code user@example.com} with hosted domain {@code example.com}, a
   * subject {@code accounts.google.com:DIGITS} derived from the email, issued now for 10 minutes,
   * signed by the current key.
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
   * Returns how many times the JWKS endpoint was requested.
   *
   * @return the request count
   */
  public int jwksRequests() {
    return endpoint().requests();
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
