package io.github.iapverifier.servlet;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.web.IapIdentityHeaders;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request the application sees behind the {@link IapServletPipeline}.
 *
 * <p>With an identity, it reports it as principal, remote user and auth type, and answers the
 * proxies' unsigned identity headers ({@link IapIdentityHeaders}: {@code
 * x-goog-authenticated-user-email} and {@code -id} in IAP's format for Google IAP, {@code
 * Cf-Access-Authenticated-User-Email}, {@code x-amzn-oidc-identity}, {@code X-Pomerium-Claim-*})
 * with the verified values. Without one (an exempt or anonymous request), it hides those headers.
 * Either way a value a client forged into them is never visible through {@link #getHeader}, {@link
 * #getHeaders}, {@link #getHeaderNames}, {@link #getIntHeader} or {@link #getDateHeader}: legacy
 * code that trusts them cannot be fooled.
 *
 * <p>Like any request object, not thread-safe beyond what the container guarantees.
 */
final class IapRequest extends HttpServletRequestWrapper {

  private final IapIdentity identity;
  private final IapPrincipal principal;
  private final Map<String, String> identityHeaders;

  /**
   * Wraps a request.
   *
   * @param request the request, not null
   * @param identity the verified identity, or null when the request passed unverified
   */
  IapRequest(HttpServletRequest request, IapIdentity identity) {
    super(request);
    this.identity = identity;
    this.principal = identity == null ? null : new IapPrincipal(identity);
    this.identityHeaders = IapIdentityHeaders.of(identity, sentIdentityHeaders(request));
  }

  private static Map<String, List<String>> sentIdentityHeaders(HttpServletRequest request) {
    Map<String, List<String>> sent = new LinkedHashMap<>();
    Enumeration<String> names = request.getHeaderNames();
    while (names != null && names.hasMoreElements()) {
      String name = names.nextElement();
      if (IapIdentityHeaders.isIdentityHeader(name)) {
        Enumeration<String> values = request.getHeaders(name);
        sent.put(name, values == null ? List.of() : Collections.list(values));
      }
    }
    return sent;
  }

  @Override
  public Principal getUserPrincipal() {
    return identity == null ? super.getUserPrincipal() : principal;
  }

  @Override
  public String getRemoteUser() {
    return identity == null ? super.getRemoteUser() : identity.email();
  }

  @Override
  public String getAuthType() {
    return identity == null ? super.getAuthType() : IapFilter.AUTH_TYPE;
  }

  /**
   * IAP carries no roles; answering from the container's own realm would mix two identities, so a
   * verified request is in no role.
   */
  @Override
  public boolean isUserInRole(String role) {
    return identity == null && super.isUserInRole(role);
  }

  @Override
  public String getHeader(String name) {
    return IapIdentityHeaders.isIdentityHeader(name)
        ? identityHeaders.get(name)
        : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (IapIdentityHeaders.isIdentityHeader(name)) {
      String value = identityHeaders.get(name);
      return value == null
          ? Collections.emptyEnumeration()
          : Collections.enumeration(List.of(value));
    }
    return super.getHeaders(name);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    Enumeration<String> names = super.getHeaderNames();
    List<String> result = new ArrayList<>();
    if (names != null) {
      while (names.hasMoreElements()) {
        String name = names.nextElement();
        if (!IapIdentityHeaders.isIdentityHeader(name)) {
          result.add(name);
        }
      }
    }
    result.addAll(identityHeaders.keySet());
    return Collections.enumeration(result);
  }

  @Override
  public int getIntHeader(String name) {
    if (IapIdentityHeaders.isIdentityHeader(name)) {
      String value = identityHeaders.get(name);
      // As the servlet API specifies: -1 when absent, NumberFormatException when not a number.
      return value == null ? -1 : Integer.parseInt(value);
    }
    return super.getIntHeader(name);
  }

  @Override
  public long getDateHeader(String name) {
    if (IapIdentityHeaders.isIdentityHeader(name)) {
      if (identityHeaders.get(name) == null) {
        return -1;
      }
      throw new IllegalArgumentException("header " + name + " is not a date");
    }
    return super.getDateHeader(name);
  }
}
