package io.github.iapverifier.web;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP response to a rejected request: status, headers and an RFC 9457 {@code
 * application/problem+json} body. Every adapter writes these bytes as they are, so that all of them
 * answer alike.
 *
 * <ul>
 *   <li>{@link Reason#POLICY_DENIED} → 403 Forbidden: the user is known but not allowed;
 *   <li>{@link Reason#KEYS_UNAVAILABLE} → 503 Service Unavailable with {@code Retry-After:} {@value
 *       #RETRY_AFTER_SECONDS}: the fault is the server's, not the user's;
 *   <li>every other reason → 401 Unauthorized with {@code WWW-Authenticate: IAP}. RFC 9110 requires
 *       a challenge on a 401; {@code IAP} is not a scheme browsers know, so it never opens a login
 *       dialog, it only names what is missing.
 * </ul>
 *
 * <p>All of them carry {@code Cache-Control: no-store} so that no cache in front of the app keeps a
 * rejection (or serves it to another user). The body is
 *
 * <pre>{@code
 * {"type":"about:blank","title":"Unauthorized","status":401,"detail":"...","reason":"EXPIRED"}
 * }</pre>
 *
 * with members in this order, {@code title} the status's reason phrase (as RFC 9457 asks when
 * {@code type} is {@code about:blank}) and {@code reason} the {@link Reason} name. {@code detail}
 * is a short fixed text per reason ({@link #detail(Reason)}): the actionable message of the
 * exception names configured audiences, domains, access levels and the key endpoint, which are the
 * operator's business, so it goes to the log and reaches the body only when an operator turns that
 * on ({@link #of(IapVerificationException, boolean)}). The body is pure ASCII: every other
 * character is a JSON {@code \}{@code uXXXX} escape, so its bytes do not depend on any charset.
 *
 * <p>Immutable and thread-safe.
 */
public final class IapProblem {

  /** The media type of the body (RFC 9457). */
  public static final String CONTENT_TYPE = "application/problem+json";

  /** The {@code Retry-After} of a 503, in seconds: keys are refetched with a backoff from 1 s. */
  public static final int RETRY_AFTER_SECONDS = 30;

  /** The {@code WWW-Authenticate} challenge of a 401. */
  public static final String CHALLENGE = "IAP";

  /**
   * The {@code reason} of a request refused by CSRF protection: not an IAP rejection, the assertion
   * was valid.
   */
  public static final String CSRF_REASON = "CSRF";

  private static final IapProblem CSRF =
      create(
          403,
          CSRF_REASON,
          "The request's CSRF token is missing or invalid; state-changing requests need one.");

  private final int status;
  private final String reason;
  private final Map<String, String> headers;
  private final byte[] body;

  private IapProblem(int status, String reason, Map<String, String> headers, byte[] body) {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.body = body;
  }

  /**
   * Builds the response to a rejection as clients get it by default: the fixed {@link
   * #detail(Reason)} of its reason.
   *
   * @param failure the rejection, not null
   * @return the response, never null
   */
  public static IapProblem of(IapVerificationException failure) {
    return of(failure, false);
  }

  /**
   * Builds the response to a rejection.
   *
   * @param failure the rejection, not null
   * @param includeMessage true to put the exception's actionable message in {@code detail}
   *     (configured audiences, domains, access levels, key endpoint and fetch errors: turn on only
   *     where clients may see them, such as a staging app); false for the fixed {@link
   *     #detail(Reason)}
   * @return the response, never null
   */
  public static IapProblem of(IapVerificationException failure, boolean includeMessage) {
    Reason reason = Objects.requireNonNull(failure, "failure").reason();
    String detail = includeMessage ? String.valueOf(failure.getMessage()) : detail(reason);
    return create(status(reason), reason.name(), detail);
  }

  /**
   * Returns the response to a request that CSRF protection refused although its assertion was
   * valid: 403 with {@code reason} {@value #CSRF_REASON}, so that it is not mistaken for an IAP
   * policy denial. (A request without a valid assertion gets the IAP 401 instead.)
   *
   * @return the response, never null
   */
  public static IapProblem csrf() {
    return CSRF;
  }

  /**
   * Returns the HTTP status a rejection for this reason gets.
   *
   * @param reason the reason, not null
   * @return 403, 503 or 401
   */
  public static int status(Reason reason) {
    switch (Objects.requireNonNull(reason, "reason")) {
      case POLICY_DENIED:
        return 403;
      case KEYS_UNAVAILABLE:
        return 503;
      default:
        return 401;
    }
  }

  /**
   * Returns the short, fixed {@code detail} clients get for a reason. It discloses nothing about
   * the configuration; the log line has the actionable message. "IAP" is the identity-aware proxy,
   * whichever the verifier trusts (Google IAP, Cloudflare Access, AWS ALB, Pomerium), so the texts
   * name no vendor.
   *
   * @param reason the reason, not null
   * @return one sentence, never null
   */
  public static String detail(Reason reason) {
    switch (Objects.requireNonNull(reason, "reason")) {
      case MISSING:
        return "The request carries no IAP assertion; it must reach the app through its proxy.";
      case MALFORMED:
        return "The IAP assertion is malformed.";
      case UNSUPPORTED_ALGORITHM:
        return "The IAP assertion's header is not accepted.";
      case UNKNOWN_KEY:
        return "The IAP assertion is signed with an unknown key.";
      case BAD_SIGNATURE:
        return "The IAP assertion's signature is invalid.";
      case EXPIRED:
        return "The IAP assertion has expired.";
      case ISSUED_IN_FUTURE:
        return "The IAP assertion is not valid yet.";
      case LIFETIME_TOO_LONG:
        return "The IAP assertion's lifetime is too long.";
      case WRONG_ISSUER:
        return "The IAP assertion was not issued by the expected proxy.";
      case WRONG_AUDIENCE:
        return "The IAP assertion is meant for another application.";
      case MISSING_CLAIM:
        return "The IAP assertion lacks a required claim.";
      case POLICY_DENIED:
        return "Access denied.";
      case KEYS_UNAVAILABLE:
        return "The proxy's signing keys are unavailable; try again later.";
      case WRONG_SIGNER:
        return "The IAP assertion was signed by a proxy this app does not trust.";
      default:
        return "The IAP assertion was rejected.";
    }
  }

  private static IapProblem create(int status, String reason, String detail) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (status == 401) {
      headers.put("WWW-Authenticate", CHALLENGE);
    } else if (status == 503) {
      headers.put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    headers.put("Cache-Control", "no-store");
    StringBuilder json = new StringBuilder(160 + detail.length());
    json.append("{\"type\":\"about:blank\",\"title\":");
    string(json, title(status));
    json.append(",\"status\":").append(status).append(",\"detail\":");
    string(json, detail);
    json.append(",\"reason\":");
    string(json, reason);
    json.append('}');
    return new IapProblem(
        status,
        reason,
        Collections.unmodifiableMap(headers),
        json.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Returns the HTTP status.
   *
   * @return 401, 403 or 503
   */
  public int status() {
    return status;
  }

  /**
   * Returns the body's {@code reason}: a {@link Reason} name, or {@value #CSRF_REASON}.
   *
   * @return the reason, never null
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns the headers to set besides {@code Content-Type} ({@value #CONTENT_TYPE}) and {@code
   * Content-Length}, in order.
   *
   * @return name to value, unmodifiable, never null
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Returns the body, encoded (ASCII, hence also UTF-8).
   *
   * @return a fresh copy of the bytes, never null
   */
  public byte[] body() {
    return body.clone();
  }

  /**
   * Returns the body as text.
   *
   * @return the JSON document, never null
   */
  public String bodyText() {
    return new String(body, StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "IapProblem[" + status + " " + bodyText() + "]";
  }

  private static String title(int status) {
    switch (status) {
      case 403:
        return "Forbidden";
      case 503:
        return "Service Unavailable";
      default:
        return "Unauthorized";
    }
  }

  /** Appends a JSON string literal; everything outside printable ASCII is escaped. */
  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        // Also covers U+2028/2029 and lone surrogates, which would otherwise yield invalid
        // UTF-8 or break JavaScript consumers.
        out.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
          out.append('0');
        }
        out.append(hex);
      }
    }
    out.append('"');
  }
}
