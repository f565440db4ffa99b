package io.github.iapverifier.web;

import io.github.iapverifier.IapIdentity;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The unsigned identity headers that identity-aware proxies send beside their signed assertion.
 * Anyone who reaches the app around the proxy can forge them, so an adapter never lets the
 * application see a client's value: it takes every such header out of the request and puts back
 * only what {@link #of} derives from the verified identity.
 *
 * <p>The headers, whichever proxy the verifier trusts (a header of another proxy is never the
 * verified one, so it is removed):
 *
 * <ul>
 *   <li>Google IAP: {@value IapLegacyHeaders#EMAIL} and {@value IapLegacyHeaders#ID}, set from a
 *       Google IAP identity in IAP's {@code accounts.google.com:} format ({@link
 *       IapLegacyHeaders});
 *   <li>Cloudflare Access: {@value #CF_EMAIL}, set to the verified email (left out for a service
 *       token, which has none);
 *   <li>AWS ALB: {@value #ALB_IDENTITY}, set to the verified subject; {@value #ALB_ACCESS_TOKEN},
 *       the IdP's access token, which nothing can verify here, is passed on as sent on a verified
 *       ALB request (the app needs it to call the IdP) and removed on every other;
 *   <li>Pomerium: every {@value #POMERIUM_CLAIM_PREFIX}{@code NAME} header the request carried is
 *       set to the verified claim {@code NAME} (compared case-insensitively; an array is joined
 *       with commas), and removed when the assertion has no such claim or it is an object.
 * </ul>
 *
 * <p>On a request without a verified identity (exempt, anonymous) all of them are removed, and so
 * is a value with a control character (CR, LF, ...), which no HTTP stack could have sent. Stateless
 * and thread-safe.
 */
public final class IapIdentityHeaders {

  /** Cloudflare Access's unsigned email header. */
  public static final String CF_EMAIL = "Cf-Access-Authenticated-User-Email";

  /** AWS ALB's unsigned subject header. */
  public static final String ALB_IDENTITY = "x-amzn-oidc-identity";

  /** AWS ALB's header with the IdP's access token, in plain text. */
  public static final String ALB_ACCESS_TOKEN = "x-amzn-oidc-accesstoken";

  /** The prefix of Pomerium's unsigned claim headers ({@code jwt_claims_headers}). */
  public static final String POMERIUM_CLAIM_PREFIX = "X-Pomerium-Claim-";

  private IapIdentityHeaders() {}

  /**
   * Tells whether a header is an unsigned identity header of any supported proxy, which adapters
   * answer themselves (from {@link #of}) and never pass on from the client.
   *
   * @param name a header name, compared case-insensitively; may be null
   * @return true for the headers listed in the class description
   */
  public static boolean isIdentityHeader(String name) {
    if (name == null) {
      return false;
    }
    return IapLegacyHeaders.isLegacy(name)
        || CF_EMAIL.equalsIgnoreCase(name)
        || ALB_IDENTITY.equalsIgnoreCase(name)
        || ALB_ACCESS_TOKEN.equalsIgnoreCase(name)
        || name.regionMatches(true, 0, POMERIUM_CLAIM_PREFIX, 0, POMERIUM_CLAIM_PREFIX.length());
  }

  /**
   * Returns the identity headers a request is to carry.
   *
   * @param identity the verified identity, or null for a request without one
   * @param sent the identity headers the request carried ({@link #isIdentityHeader} true), name as
   *     sent to its values, not null; other entries are ignored
   * @return header name to value, names looked up case-insensitively, unmodifiable; empty for a
   *     null identity
   */
  public static Map<String, String> of(IapIdentity identity, Map<String, List<String>> sent) {
    Objects.requireNonNull(sent, "sent");
    if (identity == null) {
      return Map.of();
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    switch (identity.proxy()) {
      case GOOGLE_IAP:
        headers.putAll(IapLegacyHeaders.of(identity));
        break;
      case CLOUDFLARE_ACCESS:
        // Cloudflare sends no user email for a service token; the identity's email is its Client ID.
        if (!identity.subject().startsWith("service-token:")) {
          headers.put(CF_EMAIL, identity.email());
        }
        break;
      case AWS_ALB:
        headers.put(ALB_IDENTITY, identity.subject());
        sent.forEach(
            (name, values) -> {
              if (ALB_ACCESS_TOKEN.equalsIgnoreCase(name) && values.size() == 1) {
                headers.put(ALB_ACCESS_TOKEN, values.get(0));
              }
            });
        break;
      case POMERIUM:
        for (String name : sent.keySet()) {
          if (name.regionMatches(
              true, 0, POMERIUM_CLAIM_PREFIX, 0, POMERIUM_CLAIM_PREFIX.length())) {
            String value = claim(identity, name.substring(POMERIUM_CLAIM_PREFIX.length()));
            if (value != null) {
              headers.put(name, value);
            }
          }
        }
        break;
      default:
        throw new IllegalStateException("no identity headers for " + identity.proxy());
    }
    // A value no HTTP stack could have sent (CR, LF, other controls) is left out rather than
    // handed to code that may copy it into another request.
    headers.values().removeIf(IapIdentityHeaders::hasControl);
    return Collections.unmodifiableMap(headers);
  }

  private static boolean hasControl(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** A claim as Pomerium writes it into a header, or null when there is none to write. */
  private static String claim(IapIdentity identity, String name) {
    Object value = identity.claims().get(name.toLowerCase(Locale.ROOT));
    if (value == null) {
      for (Map.Entry<String, Object> claim : identity.claims().entrySet()) {
        if (claim.getKey().equalsIgnoreCase(name)) {
          value = claim.getValue();
          break;
        }
      }
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof Collection<?> items) {
      StringBuilder joined = new StringBuilder();
      for (Object item : items) {
        if (!(item instanceof String || item instanceof Number || item instanceof Boolean)) {
          return null;
        }
        joined.append(joined.isEmpty() ? "" : ",").append(item);
      }
      return joined.toString();
    }
    return null;
  }
}
