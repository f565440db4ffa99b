package io.github.iapverifier.web;

import io.github.iapverifier.IapIdentity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The unsigned headers IAP also sends, {@value #EMAIL} and {@value #ID}. Anyone who reaches the app
 * around IAP can forge them, so an adapter never lets the application see a client's value: on a
 * verified request it answers them with the values below, taken from the verified identity in IAP's
 * own format; on any other request it removes them. These are Google IAP's; {@link
 * IapIdentityHeaders} covers them and every other proxy's unsigned identity headers, which is what
 * the adapters apply.
 *
 * <p>Stateless and thread-safe.
 */
public final class IapLegacyHeaders {

  /** The unsigned email header, {@code accounts.google.com:EMAIL} for Google accounts. */
  public static final String EMAIL = "x-goog-authenticated-user-email";

  /** The unsigned id header, {@code accounts.google.com:DIGITS} for Google accounts. */
  public static final String ID = "x-goog-authenticated-user-id";

  /** The namespace IAP puts before Google accounts' ids and emails in these headers. */
  private static final String GOOGLE_NAMESPACE = "accounts.google.com";

  private IapLegacyHeaders() {}

  /**
   * Tells whether a header is one of the two legacy headers.
   *
   * @param name a header name, compared case-insensitively; may be null
   * @return true for {@value #EMAIL} and {@value #ID}
   */
  public static boolean isLegacy(String name) {
    return EMAIL.equalsIgnoreCase(name) || ID.equalsIgnoreCase(name);
  }

  /**
   * Returns the headers a request with this identity carries.
   *
   * @param identity the verified identity, or null for a request without one
   * @return {@value #EMAIL} and {@value #ID} with their values, in this order, unmodifiable; empty
   *     for null
   */
  public static Map<String, String> of(IapIdentity identity) {
    if (identity == null) {
      return Map.of();
    }
    Map<String, String> headers = new LinkedHashMap<>(4);
    headers.put(EMAIL, email(identity));
    headers.put(ID, id(identity));
    return Collections.unmodifiableMap(headers);
  }

  /**
   * Returns the {@value #EMAIL} value for an identity: {@code accounts.google.com:EMAIL} for a
   * Google account; an Identity Platform email already carries its {@code
   * securetoken.google.com/PROJECT:} namespace (the same as its subject's) and is returned as it
   * is.
   *
   * @param identity the verified identity, not null
   * @return the header value, never null
   */
  public static String email(IapIdentity identity) {
    String namespace = namespace(Objects.requireNonNull(identity, "identity").subject());
    String email = identity.email();
    return email.startsWith(namespace + ":") ? email : namespace + ":" + email;
  }

  /**
   * Returns the {@value #ID} value for an identity: its subject, which already has IAP's {@code
   * namespace:id} form.
   *
   * @param identity the verified identity, not null
   * @return the header value, never null
   */
  public static String id(IapIdentity identity) {
    String subject = Objects.requireNonNull(identity, "identity").subject();
    return subject.indexOf(':') > 0 ? subject : GOOGLE_NAMESPACE + ":" + subject;
  }

  private static String namespace(String subject) {
    int colon = subject.indexOf(':');
    return colon > 0 ? subject.substring(0, colon) : GOOGLE_NAMESPACE;
  }
}
