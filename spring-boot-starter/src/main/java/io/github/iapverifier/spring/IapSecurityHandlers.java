package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.servlet.IapServletPipeline;
import io.github.iapverifier.web.IapProblem;
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
 * the authorization rules and by CSRF protection are answered and logged as the pipeline's own.
 */
final class IapSecurityHandlers {

  private IapSecurityHandlers() {}

  /** 401 {@code MISSING}: the rules require authentication and the request carried no assertion. */
  static final class EntryPoint implements AuthenticationEntryPoint {
    private final IapServletPipeline pipeline;

    EntryPoint(IapServletPipeline pipeline) {
      this.pipeline = pipeline;
    }

    @Override
    public void commence(
        HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
        throws IOException {
      IapServletPipeline.write(pipeline.rejectMissing(request), response);
    }
  }

  /**
   * A denial by the app's rules of a verified user: 403 {@code POLICY_DENIED}. A CSRF failure: the
   * IAP 401 {@code MISSING} when the request carried no assertion (and needed one), else 403 with
   * reason {@code CSRF}.
   */
  static final class Denied implements AccessDeniedHandler {
    private final IapServletPipeline pipeline;

    Denied(IapServletPipeline pipeline) {
      this.pipeline = pipeline;
    }

    @Override
    public void handle(
        HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
        throws IOException {
      boolean verified = IapFilter.identity(request).isPresent();
      IapProblem problem;
      if (e instanceof CsrfException) {
        problem =
            verified || pipeline.isExempt(request)
                ? IapProblem.csrf()
                : pipeline.rejectMissing(request);
      } else {
        problem =
            pipeline.reject(
                request,
                new IapVerificationException(
                    Reason.POLICY_DENIED,
                    "access denied by this application's authorization rules"
                        + (verified ? "" : " (no IAP identity)")));
      }
      IapServletPipeline.write(problem, response);
    }
  }
}
