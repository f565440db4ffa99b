package io.github.iapverifier.servlet;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.web.IapLegacyHeaders;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * The request the application sees behind the {@link IapServletPipeline}.
 *
 * <p>With an identity, it reports it as principal, remote user and auth type, and answers the
 * unsigned legacy headers {@code x-goog-authenticated-user-email} and {@code -id} with the verified
 * values in IAP's format. Without one (an exempt or anonymous request), it hides those headers.
 * Either way a value a client forged into them is never visible through {@link #getHeader}, {@link
 * #getHeaders}, {@link #getHeaderNames}, {@link #getIntHeader} or {@link #getDateHeader}: legacy
 * code that trusts them cannot be fooled.
 *
 * <p>Like any request object, not thread-safe beyond what the container guarantees.
 */
final class IapRequest extends HttpServletRequestWrapper {

  private final IapIdentity identity;
  private final IapPrincipal principal;
  private final Map<String, String> legacy;

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
    this.legacy = IapLegacyHeaders.of(identity);
  }

  private String legacyValue(String name) {
    return IapLegacyHeaders.EMAIL.equalsIgnoreCase(name)
        ? legacy.get(IapLegacyHeaders.EMAIL)
        : legacy.get(IapLegacyHeaders.ID);
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
    return IapLegacyHeaders.isLegacy(name) ? legacyValue(name) : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (IapLegacyHeaders.isLegacy(name)) {
      String value = legacyValue(name);
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
        if (!IapLegacyHeaders.isLegacy(name)) {
          result.add(name);
        }
      }
    }
    result.addAll(legacy.keySet());
    return Collections.enumeration(result);
  }

  @Override
  public int getIntHeader(String name) {
    if (IapLegacyHeaders.isLegacy(name)) {
      String value = legacyValue(name);
      // As the servlet API specifies: -1 when absent, NumberFormatException when not a number.
      return value == null ? -1 : Integer.parseInt(value);
    }
    return super.getIntHeader(name);
  }

  @Override
  public long getDateHeader(String name) {
    if (IapLegacyHeaders.isLegacy(name)) {
      if (legacyValue(name) == null) {
        return -1;
      }
      throw new IllegalArgumentException("header " + name + " is not a date");
    }
    return super.getDateHeader(name);
  }
}
