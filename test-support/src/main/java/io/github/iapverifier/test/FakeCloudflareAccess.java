package io.github.iapverifier.test;

import io.github.iapverifier.CloudflareAccessBuilder;
import io.github.iapverifier.IapVerifier;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;

/**
 * A fake Cloudflare Access for tests: it holds real 2048-bit RSA keys, serves their JWKS over real
 * HTTP on a loopback port at {@value #CERTS_PATH} (as the team domain does), and mints {@code
 * Cf-Access-Jwt-Assertion} tokens exactly in Cloudflare's format: RS256, {@code iss} the team
 * domain, {@code aud} an array holding the application's AUD tag for users (a string for service
 * tokens, which carry {@code common_name} and an empty {@code sub}), {@code email}, {@code type},
 * {@code identity_nonce} and {@code country}.
 *
 * <pre>{@code
 * try (FakeCloudflareAccess access = FakeCloudflareAccess.start()) {
 *   IapVerifier verifier = access.verifierBuilder().build();
 *   String assertion = access.token().email("ana@example.com").build();
 *   assertThat(verifier.verify(assertion).email()).isEqualTo("ana@example.com");
 * }
 * }</pre>
 *
 * <p>The verifier is configured with the team domain (the issuer) and the fake's {@link #jwksUri()}
 * in place of {@code <team domain>/cdn-cgi/access/certs}. Thread-safe. {@link #close()} stops the
 * key endpoint.
 */
public final class FakeCloudflareAccess extends FakeProxy {

  /** The team domain ({@code iss}) unless another is given. */
  public static final String DEFAULT_TEAM_DOMAIN = "https://fake-team.cloudflareaccess.com";

  /** The application's AUD tag unless another is given: 64 hex digits, as Cloudflare's. */
  public static final String DEFAULT_AUDIENCE =
      "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";

  /** The path the keys are served at, as on the team domain. */
  public static final String CERTS_PATH = "/cdn-cgi/access/certs";

  private final String teamDomain;
  private final String audience;

  private FakeCloudflareAccess(Builder builder) {
    super(builder.clock, KeyRing::rs256HexId, CERTS_PATH, "fake Cloudflare Access");
    this.teamDomain = builder.teamDomain;
    this.audience = builder.audience;
  }

  /**
   * Starts a fake Cloudflare Access for {@link #DEFAULT_TEAM_DOMAIN} and {@link #DEFAULT_AUDIENCE}
   * on the system clock.
   *
   * @return the running fake; close it when done
   */
  public static FakeCloudflareAccess start() {
    return builder().start();
  }

  /**
   * Starts configuring a fake Cloudflare Access.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the team domain: the tokens' {@code iss}.
   *
   * @return such as {@code https://fake-team.cloudflareaccess.com}, never null
   */
  public String teamDomain() {
    return teamDomain;
  }

  /**
   * Returns the application's AUD tag, which tokens carry in {@code aud} by default.
   *
   * @return the tag, never null
   */
  public String audience() {
    return audience;
  }

  /**
   * Returns the URI of the JWKS endpoint, on the loopback address.
   *
   * @return {@code http://127.0.0.1:PORT/cdn-cgi/access/certs}, never null
   */
  public URI jwksUri() {
    return URI.create(endpoint().baseUri() + CERTS_PATH);
  }

  /**
   * Returns the published keys as JWKS text.
   *
   * @return the public JWKS, never null
   */
  public String jwksJson() {
    return keys().jwksJson();
  }

  /**
   * Returns how many times the JWKS endpoint was requested.
   *
   * @return the request count
   */
  public int jwksRequests() {
    return endpoint().requests();
  }

  /**
   * Starts minting a user's token: this fake's team domain and AUD tag (in an array), {@code
   * user@example.com} with a UUID subject derived from the email, {@code type} {@code app}, issued
   * now for 24 hours (Cloudflare's default session duration), signed by the current key.
   *
   * @return a token builder
   */
  public CloudflareAccessTokenBuilder token() {
    return new CloudflareAccessTokenBuilder(this);
  }

  /**
   * Returns a verifier builder configured against this fake: its team domain and AUD tag, with
   * {@link #jwksUri()} in place of the team domain's key endpoint. Add settings and build.
   *
   * @return a new builder
   */
  public CloudflareAccessBuilder verifierBuilder() {
    return IapVerifier.cloudflareAccess()
        .teamDomain(teamDomain)
        .audiences(audience)
        .jwksUri(jwksUri());
  }

  @Override
  KeyEndpoint.Answer answer(String path) {
    return path.equals(CERTS_PATH)
        ? new KeyEndpoint.Answer(jwksJson(), "application/json", null)
        : null;
  }

  /** Configures a {@link FakeCloudflareAccess}. Not thread-safe. */
  public static final class Builder {
    private String teamDomain = DEFAULT_TEAM_DOMAIN;
    private String audience = DEFAULT_AUDIENCE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the team domain, the tokens' {@code iss}. Default {@value #DEFAULT_TEAM_DOMAIN}.
     *
     * @param teamDomain such as {@code https://acme.cloudflareaccess.com}, not null
     * @return this builder
     */
    public Builder teamDomain(String teamDomain) {
      this.teamDomain = Objects.requireNonNull(teamDomain, "teamDomain");
      return this;
    }

    /**
     * Sets the application's AUD tag. Default {@value #DEFAULT_AUDIENCE}.
     *
     * @param audience the tag, not null
     * @return this builder
     */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
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
    public FakeCloudflareAccess start() {
      FakeCloudflareAccess fake = new FakeCloudflareAccess(this);
      fake.warmUpOnce(
          fake.jwksUri(),
          () -> {
            try (IapVerifier verifier =
                fake.verifierBuilder().keySource(fake.keySource()).build()) {
              verifier.verify(fake.token().build());
            }
          });
      return fake;
    }
  }
}
