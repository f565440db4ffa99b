package io.github.iapverifier;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.internal.verify.CloudflareAccessRules;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds an {@link IapVerifier} of Cloudflare Access's application tokens (header {@code
 * Cf-Access-Jwt-Assertion}, RS256). Obtain one from {@link IapVerifier#cloudflareAccess()}.
 *
 * <pre>{@code
 * IapVerifier verifier = IapVerifier.cloudflareAccess()
 *     .teamDomain("https://acme.cloudflareaccess.com")
 *     .audiences("b2658...")   // the application's AUD tag
 *     .build();
 * }</pre>
 *
 * <p>Checked: RS256 with a key the team publishes at {@code <team domain>/cdn-cgi/access/certs};
 * {@code iss} the team domain; {@code aud} (string or array) one of the AUD tags; {@code exp},
 * {@code iat}, {@code nbf} with the clock skew; {@code exp - iat} at most 31 days (Access's longest
 * session); {@code type}, when present, {@code app}. A user's identity has the token's {@code sub}
 * and {@code email}; a service token's has subject {@code service-token:<Client ID>} and the Client
 * ID as email; {@code groups} when the IdP passes them on. {@code country}, {@code identity_nonce}
 * and the rest are in {@link IapIdentity#claims()}.
 *
 * <p>The common settings (clock, skew, key source, caches, listener) are those of {@link
 * IapVerifier.Builder}. Not thread-safe; the verifier it builds is.
 */
public final class CloudflareAccessBuilder extends ProxyBuilder<CloudflareAccessBuilder> {

  private final Set<String> audiences = new LinkedHashSet<>();
  private @Nullable String issuer;

  CloudflareAccessBuilder() {}

  /**
   * Sets the team domain, which is the issuer and where the keys are published. Required.
   *
   * @param teamDomain such as {@code https://acme.cloudflareaccess.com} or {@code
   *     acme.cloudflareaccess.com}, a trailing slash allowed; not null
   * @return this builder
   * @throws IllegalArgumentException if it is not a host name or an https URL of one
   */
  public CloudflareAccessBuilder teamDomain(String teamDomain) {
    this.issuer = CloudflareAccessRules.issuer(Objects.requireNonNull(teamDomain, "teamDomain"));
    return this;
  }

  /**
   * Adds accepted Application Audience (AUD) tags, as the application's overview shows them. At
   * least one is required.
   *
   * @param audiences the AUD tags, not null
   * @return this builder
   * @throws IllegalArgumentException if a tag is blank or holds whitespace or control characters
   */
  public CloudflareAccessBuilder audiences(String... audiences) {
    return audiences(Arrays.asList(Objects.requireNonNull(audiences, "audiences")));
  }

  /**
   * Collection form of {@link #audiences(String...)}.
   *
   * @param audiences the AUD tags, not null, no null element
   * @return this builder
   */
  public CloudflareAccessBuilder audiences(Collection<String> audiences) {
    for (String a : Objects.requireNonNull(audiences, "audiences")) {
      Objects.requireNonNull(a, "audiences must not contain null");
      if (a.isEmpty() || !a.equals(printable(a)) || a.contains(" ")) {
        throw new IllegalArgumentException(
            "AUD tag '" + printable(a) + "' must be the tag as shown, such as 64 hex digits");
      }
      this.audiences.add(a);
    }
    return this;
  }

  /**
   * Fetches keys from this URI instead of {@code <team domain>/cdn-cgi/access/certs} (a mirror, an
   * emulator). Setting both this and a {@link #keySource} fails.
   *
   * @param jwksUri an absolute http or https URI without user-info, not null
   * @return this builder
   * @throws IllegalArgumentException if the URI is not such a URI
   */
  public CloudflareAccessBuilder jwksUri(URI jwksUri) {
    return keysUri(jwksUri);
  }

  /**
   * Builds the verifier.
   *
   * @return a verifier, thread-safe
   * @throws IllegalStateException if the team domain or AUD tags are missing, or both a key source
   *     and a JWKS URI (or remote key source settings) are set
   */
  public IapVerifier build() {
    if (issuer == null) {
      throw new IllegalStateException(
          "no Cloudflare Access teamDomain configured: call teamDomain(\"https://<team>"
              + ".cloudflareaccess.com\") with your Zero Trust team domain");
    }
    if (audiences.isEmpty()) {
      throw new IllegalStateException(
          "no Cloudflare Access audiences configured: call audiences(...) with the application's"
              + " Application Audience (AUD) Tag from its overview in Zero Trust");
    }
    List<IapAudience> values = new ArrayList<>();
    for (String a : audiences) {
      values.add(IapAudience.ofOtherProxy(a));
    }
    return build(
        CloudflareAccessRules.of(issuer, audiences, clock, clockSkew, IapVerifier.MAX_LENGTH),
        values,
        URI.create(issuer + "/cdn-cgi/access/certs"));
  }
}
