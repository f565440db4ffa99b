package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.servlet.IapProblemResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The Spring Security filter that authenticates a request by its IAP assertion. {@link
 * IapConfigurer} installs it; the type is public so that other filters can be placed relative to it
 * ({@code http.addFilterAfter(mine, IapAuthenticationFilter.class)}).
 *
 * <ul>
 *   <li>Excluded paths are passed on untouched.
 *   <li>No assertion: passed on unauthenticated; where the rules require authentication, the entry
 *       point answers 401 {@code MISSING}.
 *   <li>A valid assertion: the security context holds an {@link IapAuthenticationToken}, and the
 *       identity is also the request attribute {@code IapIdentity.class.getName()}, as with the
 *       servlet filter.
 *   <li>An invalid one (or two header values): answered at once, 401, 403 or 503 problem+json, as
 *       the servlet filter answers, even on paths the rules permit: only IAP sets this header.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class IapAuthenticationFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(IapAuthenticationFilter.class);

  private final IapVerifier verifier;
  private final IapAuthoritiesMapper authoritiesMapper;
  private final ExcludedPathsMatcher excludedPaths;
  private final SecurityContextHolderStrategy contexts;

  IapAuthenticationFilter(
      IapVerifier verifier,
      IapAuthoritiesMapper authoritiesMapper,
      ExcludedPathsMatcher excludedPaths,
      SecurityContextHolderStrategy contexts) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.authoritiesMapper = Objects.requireNonNull(authoritiesMapper, "authoritiesMapper");
    this.excludedPaths = Objects.requireNonNull(excludedPaths, "excludedPaths");
    this.contexts = Objects.requireNonNull(contexts, "contexts");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (excludedPaths.matches(request)) {
      chain.doFilter(request, response);
      return;
    }
    IapIdentity identity = null;
    try {
      String assertion = IapFilter.assertion(request);
      if (assertion != null) {
        identity = verifier.verify(assertion);
      }
    } catch (IapVerificationException e) {
      contexts.clearContext();
      logRejection(request, e);
      IapResponses.write(response, e);
      return;
    }
    if (identity == null) {
      // No header: anonymous; the authorization rules decide (401 via the entry point).
      chain.doFilter(request, response);
      return;
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(
        new IapAuthenticationToken(identity, authoritiesMapper.authorities(identity)));
    contexts.setContext(context);
    request.setAttribute(IapIdentity.class.getName(), identity);
    chain.doFilter(request, response);
  }

  private static void logRejection(HttpServletRequest request, IapVerificationException e) {
    // Levels as the servlet filter's defaults: a policy denial or an outage needs attention,
    // an invalid assertion is the client's business. The message never contains the assertion
    // (IapVerificationException's contract).
    Level level =
        e.reason() == Reason.POLICY_DENIED || e.reason() == Reason.KEYS_UNAVAILABLE
            ? Level.WARN
            : Level.INFO;
    if (log.isEnabledForLevel(level)) {
      log.atLevel(level)
          .log(
              "IAP rejected {} {} from {}: {} {}: {}",
              IapResponses.printable(request.getMethod()),
              IapResponses.printable(request.getRequestURI()),
              request.getRemoteAddr(),
              IapProblemResponse.status(e.reason()),
              e.reason(),
              e.getMessage());
    }
  }
}
