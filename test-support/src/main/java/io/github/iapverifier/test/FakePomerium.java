package io.github.iapverifier.test;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.PomeriumBuilder;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;

/**
 * A fake Pomerium for tests: it holds real keys (P-256 for ES256, Pomerium's default, or 2048-bit
 * RSA for RS256), serves their JWKS over real HTTP on a loopback port at {@value #JWKS_PATH} with
 * {@code Cache-Control: max-age=60} (as every route does), and mints {@code
 * X-Pomerium-Jwt-Assertion} tokens exactly in Pomerium's format: {@code iss} and {@code aud} the
 * route host, {@code sub}, {@code user}, {@code email}, {@code groups}, {@code name}, {@code sid},
 * {@code jti}, issued now for 5 minutes.
 *
 * <pre>{@code
 * try (FakePomerium pomerium = FakePomerium.start()) {
 *   IapVerifier verifier = pomerium.verifierBuilder().build();
 *   String assertion = pomerium.token().email("ana@example.com").groups("admins").build();
 *   assertThat(verifier.verify(assertion).groups()).containsExactly("admins");
 * }
 * }</pre>
 *
 * <p>The verifier is configured with the route host and the fake's {@link #jwksUri()} in place of
 * {@code https://<route host>/.well-known/pomerium/jwks.json}. Thread-safe. {@link #close()} stops
 * the key endpoint.
 */
public final class FakePomerium extends FakeProxy {

  /** The route host ({@code iss} and {@code aud}) unless another is given. */
  public static final String DEFAULT_ROUTE_HOST = "app.localhost.pomerium.io";

  /** The path the keys are served at, as on every route. */
  public static final String JWKS_PATH = "/.well-known/pomerium/jwks.json";

  private final String routeHost;
  private final String algorithm;

  private FakePomerium(Builder builder) {
    super(
        builder.clock,
        builder.algorithm.equals("RS256") ? KeyRing::rs256HexId : KeyRing::es256HexId,
        JWKS_PATH,
        "fake Pomerium");
    this.routeHost = builder.routeHost;
    this.algorithm = builder.algorithm;
  }

  /**
   * Starts a fake Pomerium for {@link #DEFAULT_ROUTE_HOST} signing with ES256 on the system clock.
   *
   * @return the running fake; close it when done
   */
  public static FakePomerium start() {
    return builder().start();
  }

  /**
   * Starts configuring a fake Pomerium.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the route host: the tokens' {@code iss} and {@code aud}.
   *
   * @return such as {@code app.localhost.pomerium.io}, never null
   */
  public String routeHost() {
    return routeHost;
  }

  /**
   * Returns the signing algorithm.
   *
   * @return {@code ES256} or {@code RS256}
   */
  public String algorithm() {
    return algorithm;
  }

  /**
   * Returns the URI of the JWKS endpoint, on the loopback address.
   *
   * @return {@code http://127.0.0.1:PORT/.well-known/pomerium/jwks.json}, never null
   */
  public URI jwksUri() {
    return URI.create(endpoint().baseUri() + JWKS_PATH);
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
   * Starts minting a token: this fake's route host as issuer and audience, {@code user@example.com}
   * (name {@code User}, no groups) with a UUID subject derived from the email, a fresh session and
   * token id, issued now for 5 minutes, signed by the current key.
   *
   * @return a token builder
   */
  public PomeriumTokenBuilder token() {
    return new PomeriumTokenBuilder(this);
  }

  /**
   * Returns a verifier builder configured against this fake: its route host and algorithm, with
   * {@link #jwksUri()} in place of the route's key endpoint. Add settings and build.
   *
   * @return a new builder
   */
  public PomeriumBuilder verifierBuilder() {
    return IapVerifier.pomerium().routeHost(routeHost).algorithm(algorithm).jwksUri(jwksUri());
  }

  @Override
  KeyEndpoint.Answer answer(String path) {
    return path.equals(JWKS_PATH)
        ? new KeyEndpoint.Answer(jwksJson(), "application/json", "max-age=60")
        : null;
  }

  /** Configures a {@link FakePomerium}. Not thread-safe. */
  public static final class Builder {
    private String routeHost = DEFAULT_ROUTE_HOST;
    private String algorithm = "ES256";
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the route host, the tokens' {@code iss} and {@code aud}. Default {@value
     * #DEFAULT_ROUTE_HOST}.
     *
     * @param routeHost a host name, not null
     * @return this builder
     */
    public Builder routeHost(String routeHost) {
      this.routeHost = Objects.requireNonNull(routeHost, "routeHost");
      return this;
    }

    /**
     * Sets the signing algorithm: {@code ES256} (Pomerium's default) or {@code RS256} (Pomerium
     * with an RSA signing key).
     *
     * @param algorithm {@code ES256} or {@code RS256}
     * @return this builder
     * @throws IllegalArgumentException for any other value
     */
    public Builder algorithm(String algorithm) {
      if (!"ES256".equals(algorithm) && !"RS256".equals(algorithm)) {
        throw new IllegalArgumentException("algorithm must be ES256 or RS256, was " + algorithm);
      }
      this.algorithm = algorithm;
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
    public FakePomerium start() {
      FakePomerium fake = new FakePomerium(this);
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
