package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;

/**
 * The entry point and access-denied handler {@link IapConfigurer} installs, so that rejections by
 * the authorization rules look like the filter's own: problem+json with a {@code reason}.
 */
final class IapSecurityHandlers {

  private IapSecurityHandlers() {}

  /** 401 {@code MISSING}: the rules require authentication and the request carried no assertion. */
  static final class EntryPoint implements AuthenticationEntryPoint {
    @Override
    public void commence(
        HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
        throws IOException {
      IapResponses.write(
          response,
          new IapVerificationException(
              Reason.MISSING,
              "no IAP assertion: the request carries no "
                  + IapVerifier.HEADER
                  + " header; requests must reach the app through IAP"));
    }
  }

  /** 403 {@code POLICY_DENIED}: an IAP-authenticated user the app's own rules refuse. */
  static final class Denied implements AccessDeniedHandler {
    @Override
    public void handle(
        HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
        throws IOException {
      String detail =
          e instanceof CsrfException
              ? "the request's CSRF token is missing or invalid; IAP's cookie makes browsers send"
                  + " a valid assertion with cross-site requests, so state-changing requests need"
                  + " one"
              : "access denied by this application's authorization rules";
      IapResponses.write(response, new IapVerificationException(Reason.POLICY_DENIED, detail));
    }
  }
}
