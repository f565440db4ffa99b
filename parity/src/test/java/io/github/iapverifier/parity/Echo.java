package io.github.iapverifier.parity;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.web.IapLegacyHeaders;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * What the application sees of a request, as one line every endpoint of every configuration answers
 * (servlet, Spring MVC, and a reactive app writes the same line from its exchange):
 *
 * <pre>
 * status=200 principal=EMAIL remoteUser=EMAIL identity=EMAIL legacyEmail=VALUE legacyId=VALUE
 *     unsigned=NAME:VALUE,...
 * </pre>
 *
 * with {@code -} for what is absent: {@code principal} is the principal's name, {@code identity}
 * the email of the {@code io.github.iapverifier.IapIdentity} request attribute, {@code legacy*}
 * every value of the {@code x-goog-authenticated-user-*} headers, comma-separated, {@code unsigned}
 * the other proxies' unsigned identity headers ({@link #UNSIGNED}) present, in that order.
 */
public final class Echo {

  /** The other proxies' unsigned identity headers the line shows, lower case. */
  public static final List<String> UNSIGNED =
      List.of(
          "cf-access-authenticated-user-email",
          "x-amzn-oidc-identity",
          "x-amzn-oidc-accesstoken",
          "x-pomerium-claim-email");

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
        String.join(",", Collections.list(request.getHeaders(IapLegacyHeaders.ID))),
        unsigned(name -> Collections.list(request.getHeaders(name))));
  }

  /**
   * The {@code unsigned} part from a request's headers.
   *
   * @param values all values of a header by name (any case), empty if absent
   * @return {@code name:value} pairs joined by commas, or null if none is present
   */
  public static String unsigned(Function<String, List<String>> values) {
    List<String> present = new ArrayList<>();
    for (String name : UNSIGNED) {
      for (String value : values.apply(name)) {
        present.add(name + ":" + value);
      }
    }
    return present.isEmpty() ? null : String.join(",", present);
  }

  /** The line of a request without other proxies' unsigned headers. */
  public static String line(
      int status,
      String principal,
      String remoteUser,
      String identity,
      String legacyEmail,
      String legacyId) {
    return line(status, principal, remoteUser, identity, legacyEmail, legacyId, null);
  }

  /** The line from its parts; null or empty parts are written {@code -}. */
  public static String line(
      int status,
      String principal,
      String remoteUser,
      String identity,
      String legacyEmail,
      String legacyId,
      String unsigned) {
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
        + or(legacyId)
        + " unsigned="
        + or(unsigned);
  }

  private static String or(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }
}
