package io.github.iapverifier.servlet;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP response for a rejected request: status, headers and an RFC 9457 {@code
 * application/problem+json} body. Every adapter (this module's {@link IapFilter}, the Spring Boot
 * starter, servlet or reactive) answers with the same bytes by building them here.
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
 * <p>All rejections carry {@code Cache-Control: no-store} so that no cache in front of the app
 * keeps a rejection (or serves it to another user). The body is
 *
 * <pre>{@code
 * {"type":"about:blank","title":"Unauthorized","status":401,"detail":"...","reason":"EXPIRED"}
 * }</pre>
 *
 * with members in this order, {@code title} the status's reason phrase (as RFC 9457 asks when
 * {@code type} is {@code about:blank}), {@code detail} the exception's message (which by {@link
 * IapVerificationException}'s contract never contains the assertion) and {@code reason} the {@link
 * Reason} name. The body is pure ASCII: every other character is written as a JSON {@code \}{@code
 * uXXXX} escape, so its bytes do not depend on any charset setting.
 *
 * <p>Immutable and thread-safe.
 */
public final class IapProblemResponse {

  /** The media type of the body (RFC 9457). */
  public static final String CONTENT_TYPE = "application/problem+json";

  /** The {@code Retry-After} of a 503, in seconds: keys are refetched with a backoff from 1 s. */
  public static final int RETRY_AFTER_SECONDS = 30;

  /** The {@code WWW-Authenticate} challenge of a 401. */
  public static final String CHALLENGE = "IAP";

  private final int status;
  private final Reason reason;
  private final Map<String, String> headers;
  private final byte[] body;

  private IapProblemResponse(int status, Reason reason, Map<String, String> headers, byte[] body) {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.body = body;
  }

  /**
   * Builds the response for a rejection.
   *
   * @param failure the rejection, not null
   * @return the response, never null
   */
  public static IapProblemResponse of(IapVerificationException failure) {
    Objects.requireNonNull(failure, "failure");
    Reason reason = failure.reason();
    int status = status(reason);
    Map<String, String> headers = new LinkedHashMap<>();
    if (status == 401) {
      headers.put("WWW-Authenticate", CHALLENGE);
    } else if (status == 503) {
      headers.put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    headers.put("Cache-Control", "no-store");
    StringBuilder json = new StringBuilder(256);
    json.append("{\"type\":\"about:blank\",\"title\":");
    string(json, title(status));
    json.append(",\"status\":").append(status).append(",\"detail\":");
    string(json, String.valueOf(failure.getMessage()));
    json.append(",\"reason\":");
    string(json, reason.name());
    json.append('}');
    return new IapProblemResponse(
        status,
        reason,
        Collections.unmodifiableMap(headers),
        json.toString().getBytes(StandardCharsets.US_ASCII));
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
   * Returns the HTTP status.
   *
   * @return 401, 403 or 503
   */
  public int status() {
    return status;
  }

  /**
   * Returns the reason of the rejection.
   *
   * @return the reason, never null
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns the headers to set besides {@code Content-Type} and {@code Content-Length}, in order.
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

  /**
   * Sends this rejection: status, headers, content type and body, replacing anything buffered.
   * Does nothing when the response is already committed.
   *
   * @param response the response, not null
   * @throws IOException if writing the body fails
   */
  public void writeTo(HttpServletResponse response) throws IOException {
    if (response.isCommitted()) {
      return; // nothing can be sent any more
    }
    response.resetBuffer();
    response.setStatus(status);
    headers.forEach(response::setHeader);
    response.setContentType(CONTENT_TYPE);
    response.setContentLength(body.length);
    try {
      ServletOutputStream out = response.getOutputStream();
      out.write(body);
      out.flush();
    } catch (IllegalStateException e) {
      // Something earlier took the writer; the body is ASCII, so any charset will do.
      PrintWriter writer = response.getWriter();
      writer.write(bodyText());
      writer.flush();
    }
  }

  @Override
  public String toString() {
    return "IapProblemResponse[" + status + " " + bodyText() + "]";
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
  static void string(StringBuilder out, String s) {
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
