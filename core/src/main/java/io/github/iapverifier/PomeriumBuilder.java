package io.github.iapverifier;

import io.github.iapverifier.internal.keys.Jwks;
import io.github.iapverifier.internal.verify.PomeriumRules;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds an {@link IapVerifier} of Pomerium's assertions (header {@code X-Pomerium-Jwt-Assertion}).
 * Obtain one from {@link IapVerifier#pomerium()}.
 *
 * <pre>{@code
 * IapVerifier verifier = IapVerifier.pomerium()
 *     .routeHost("app.example.com")
 *     .build();             // ES256; .algorithm("RS256") for an RSA signing key
 * }</pre>
 *
 * <p>Checked: the configured algorithm (never the token's choice) with a key Pomerium publishes at
 * {@code https://<route host>/.well-known/pomerium/jwks.json}; {@code iss} the route's host name as
 * {@code host} or {@code https://host/} (Pomerium's {@code jwt_issuer_format: uri}); {@code aud}
 * the host name; {@code exp} and {@code iat} with the clock skew, {@code exp - iat} at most
 * Pomerium's five minutes; {@code sub} and {@code email} present. The identity carries {@code sub},
 * {@code email} and {@code groups} (Pomerium lists group ids, then group names); {@code name},
 * {@code sid}, {@code jti} are in {@link IapIdentity#claims()}.
 *
 * <p>The common settings (clock, skew, key source, caches, listener) are those of {@link
 * IapVerifier.Builder}. Not thread-safe; the verifier it builds is.
 */
public final class PomeriumBuilder extends ProxyBuilder<PomeriumBuilder> {

  private @Nullable String host;
  private String algorithm = "ES256";

  PomeriumBuilder() {}

  /**
   * Sets the route's host: the host of its {@code from} URL, which Pomerium puts in {@code iss} and
   * {@code aud}, and where it publishes its keys. Required.
   *
   * @param routeHost such as {@code app.example.com} or {@code https://app.example.com/}, not null
   * @return this builder
   * @throws IllegalArgumentException if it is not a host name or an https URL of one
   */
  public PomeriumBuilder routeHost(String routeHost) {
    this.host = PomeriumRules.host(Objects.requireNonNull(routeHost, "routeHost"));
    return this;
  }

  /**
   * Sets the algorithm of Pomerium's signing key: {@code ES256} (the default, an EC P-256 key) or
   * {@code RS256} (an RSA key). Tokens of any other algorithm are rejected whatever they claim.
   *
   * @param algorithm {@code ES256} or {@code RS256}, not null
   * @return this builder
   * @throws IllegalArgumentException for any other algorithm
   */
  public PomeriumBuilder algorithm(String algorithm) {
    this.algorithm = Jwks.algorithm(Objects.requireNonNull(algorithm, "algorithm"));
    return this;
  }

  /**
   * Fetches keys from this URI instead of {@code https://<route host>/.well-known/pomerium/
   * jwks.json} (the authenticate service's, a mirror, an emulator). Setting both this and a {@link
   * #keySource} fails.
   *
   * @param jwksUri an absolute http or https URI without user-info, not null
   * @return this builder
   * @throws IllegalArgumentException if the URI is not such a URI
   */
  public PomeriumBuilder jwksUri(URI jwksUri) {
    return keysUri(jwksUri);
  }

  /**
   * Builds the verifier.
   *
   * @return a verifier, thread-safe
   * @throws IllegalStateException if the route host is missing, or both a key source and a JWKS URI
   *     (or remote key source settings) are set
   */
  public IapVerifier build() {
    if (host == null) {
      throw new IllegalStateException(
          "no Pomerium routeHost configured: call routeHost(\"app.example.com\") with the host of"
              + " the route's 'from' URL");
    }
    return build(
        PomeriumRules.of(host, algorithm, clock, clockSkew, IapVerifier.MAX_LENGTH),
        List.of(IapAudience.ofOtherProxy(PomeriumRules.hostName(host))),
        URI.create("https://" + host + "/.well-known/pomerium/jwks.json"));
  }
}
