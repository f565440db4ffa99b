package io.github.iapverifier.servlet;

import io.github.iapverifier.IapIdentity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The request the application sees behind {@link IapFilter}.
 *
 * <p>With an identity, it reports it as principal, remote user and auth type, and answers the
 * unsigned legacy headers {@code x-goog-authenticated-user-email} and {@code -id} with the verified
 * values in IAP's format. Without one (an excluded path or a CORS preflight), it hides those
 * headers. Either way a value a client forged into them is never visible through {@link
 * #getHeader}, {@link #getHeaders}, {@link #getHeaderNames}, {@link #getIntHeader} or {@link
 * #getDateHeader}: legacy code that trusts them cannot be fooled.
 *
 * <p>Like any request object, not thread-safe beyond what the container guarantees.
 */
final class IapRequest extends HttpServletRequestWrapper {

  static final String EMAIL_HEADER = "x-goog-authenticated-user-email";
  static final String ID_HEADER = "x-goog-authenticated-user-id";

  /** The namespace IAP puts before Google accounts' ids and emails in the legacy headers. */
  private static final String GOOGLE_NAMESPACE = "accounts.google.com";

  private final IapIdentity identity;
  private final IapPrincipal principal;
  private final String emailHeader;
  private final String idHeader;

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
    this.emailHeader = identity == null ? null : legacyEmail(identity);
    this.idHeader = identity == null ? null : legacyId(identity);
  }

  IapIdentity identity() {
    return identity;
  }

  /**
   * IAP sends {@code accounts.google.com:EMAIL} for Google accounts; Identity Platform emails
   * already carry their {@code securetoken.google.com/PROJECT:} namespace, the same as their
   * subject, and are sent as they are.
   */
  static String legacyEmail(IapIdentity identity) {
    String namespace = namespace(identity.subject());
    String email = identity.email();
    return email.startsWith(namespace + ":") ? email : namespace + ":" + email;
  }

  /** The subject already has IAP's {@code namespace:id} form. */
  static String legacyId(IapIdentity identity) {
    String subject = identity.subject();
    return subject.indexOf(':') > 0 ? subject : GOOGLE_NAMESPACE + ":" + subject;
  }

  private static String namespace(String subject) {
    int colon = subject.indexOf(':');
    return colon > 0 ? subject.substring(0, colon) : GOOGLE_NAMESPACE;
  }

  private static boolean isLegacy(String name) {
    return EMAIL_HEADER.equalsIgnoreCase(name) || ID_HEADER.equalsIgnoreCase(name);
  }

  private String legacyValue(String name) {
    return EMAIL_HEADER.equalsIgnoreCase(name) ? emailHeader : idHeader;
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
    return isLegacy(name) ? legacyValue(name) : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (isLegacy(name)) {
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
        if (!isLegacy(name)) {
          result.add(name);
        }
      }
    }
    if (identity != null) {
      result.add(EMAIL_HEADER);
      result.add(ID_HEADER);
    }
    return Collections.enumeration(result);
  }

  @Override
  public int getIntHeader(String name) {
    if (isLegacy(name)) {
      String value = legacyValue(name);
      // As the servlet API specifies: -1 when absent, NumberFormatException when not a number.
      return value == null ? -1 : Integer.parseInt(value);
    }
    return super.getIntHeader(name);
  }

  @Override
  public long getDateHeader(String name) {
    if (isLegacy(name)) {
      if (legacyValue(name) == null) {
        return -1;
      }
      throw new IllegalArgumentException("header " + name + " is not a date");
    }
    return super.getDateHeader(name);
  }
}
