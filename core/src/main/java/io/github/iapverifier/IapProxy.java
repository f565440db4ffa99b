package io.github.iapverifier;

import static io.github.iapverifier.internal.Text.printable;

import java.util.Locale;
import java.util.Objects;

/**
 * The identity-aware proxies whose signed assertions this library verifies. Each signs the
 * identity of the user onto every request it forwards, in a header of its own; a verifier is built
 * for exactly one of them and never takes a token's word for which one signed it.
 *
 * <p>Google Cloud IAP is the default everywhere a proxy can be chosen.
 */
public enum IapProxy {
  /** Google Cloud Identity-Aware Proxy: ES256, Google's published keys. */
  GOOGLE_IAP("google-iap", "x-goog-iap-jwt-assertion"),
  /** Cloudflare Access: RS256, the team's published keys. */
  CLOUDFLARE_ACCESS("cloudflare-access", "Cf-Access-Jwt-Assertion"),
  /** An AWS Application Load Balancer with OIDC authentication: ES256, a public key per key id. */
  AWS_ALB("aws-alb", "x-amzn-oidc-data"),
  /** Pomerium: ES256 or RS256 as configured, the route's published keys. */
  POMERIUM("pomerium", "X-Pomerium-Jwt-Assertion");

  private final String configName;
  private final String header;

  IapProxy(String configName, String header) {
    this.configName = configName;
    this.header = header;
  }

  /**
   * Returns the name used in configuration (properties, init-params, command-line options).
   *
   * @return the lower-case, hyphenated name, such as {@code cloudflare-access}; never null
   */
  public String configName() {
    return configName;
  }

  /**
   * Returns the request header in which this proxy sends its assertion. HTTP header names are
   * case-insensitive; this is the spelling of the proxy's documentation.
   *
   * @return the header name, never null
   */
  public String header() {
    return header;
  }

  /**
   * Finds a proxy by its configuration name, ignoring ASCII case, or by its constant name.
   *
   * @param name such as {@code aws-alb} or {@code AWS_ALB}, not null
   * @return the proxy
   * @throws IllegalArgumentException naming the accepted values if none matches
   */
  public static IapProxy fromConfigName(String name) {
    Objects.requireNonNull(name, "name");
    String wanted = name.trim().replace('_', '-').toLowerCase(Locale.ROOT);
    for (IapProxy proxy : values()) {
      if (proxy.configName.equals(wanted)) {
        return proxy;
      }
    }
    throw new IllegalArgumentException(
        "unknown proxy '"
            + printable(name)
            + "'; use one of google-iap, cloudflare-access, aws-alb, pomerium");
  }
}
