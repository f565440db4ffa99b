package io.github.iapverifier.parity;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.web.IapLegacyHeaders;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Collections;

/**
 * What the application sees of a request, as one line every endpoint of every configuration answers
 * (servlet, Spring MVC, and a reactive app writes the same line from its exchange):
 *
 * <pre>
 * status=200 principal=EMAIL remoteUser=EMAIL identity=EMAIL legacyEmail=VALUE legacyId=VALUE
 * </pre>
 *
 * with {@code -} for what is absent: {@code principal} is the principal's name, {@code identity}
 * the email of the {@code io.github.iapverifier.IapIdentity} request attribute, {@code legacy*}
 * every value of the {@code x-goog-authenticated-user-*} headers, comma-separated.
 */
public final class Echo {

  private Echo() {}

  /**
   * The line for a servlet request.
   *
   * @param request the request as the application sees it
   * @param status the status the response is sent with
   * @return the line
   */
  public static String of(HttpServletRequest request, int status) {
    Principal principal = request.getUserPrincipal();
    return line(
        status,
        principal == null ? null : principal.getName(),
        request.getRemoteUser(),
        IapFilter.identity(request).map(IapIdentity::email).orElse(null),
        String.join(",", Collections.list(request.getHeaders(IapLegacyHeaders.EMAIL))),
        String.join(",", Collections.list(request.getHeaders(IapLegacyHeaders.ID))));
  }

  /** The line from its parts; null or empty parts are written {@code -}. */
  public static String line(
      int status,
      String principal,
      String remoteUser,
      String identity,
      String legacyEmail,
      String legacyId) {
    return "status="
        + status
        + " principal="
        + or(principal)
        + " remoteUser="
        + or(remoteUser)
        + " identity="
        + or(identity)
        + " legacyEmail="
        + or(legacyEmail)
        + " legacyId="
        + or(legacyId);
  }

  private static String or(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }
}
