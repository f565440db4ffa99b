package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.servlet.IapServletPipeline;
import io.github.iapverifier.web.IapDecision;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * The Spring Security filter that authenticates a request by its IAP assertion. {@link
 * IapConfigurer} installs it before {@code CsrfFilter}; the type is public so that other filters
 * can be placed relative to it ({@code http.addFilterAfter(mine, IapAuthenticationFilter.class)}).
 *
 * <p>It runs the same pipeline as the servlet {@code IapFilter} ({@link IapServletPipeline}), so
 * both answer every case alike:
 *
 * <ul>
 *   <li>A valid assertion: the security context holds an {@link IapAuthenticationToken}, saved
 *       through a request-scoped {@link SecurityContextRepository} (never the session: IAP signs
 *       every request), so that async and error dispatches of the request stay authenticated. The
 *       request goes on wrapped: the identity is also the request attribute {@code
 *       IapIdentity.class.getName()}, and the proxies' unsigned identity headers ({@code
 *       x-goog-authenticated-user-*} and the like, see {@link
 *       io.github.iapverifier.web.IapIdentityHeaders}) report it.
 *   <li>An invalid one (or two header values, or no keys): answered at once, 401, 403 or 503
 *       problem+json, even on paths the rules permit: only the proxy sets this header.
 *   <li>No assertion, and excluded paths: passed on anonymous, identity headers removed; where the
 *       rules require authentication, the entry point answers 401 {@code MISSING}, whatever the
 *       method (this filter runs before CSRF protection, and the access-denied handler turns a CSRF
 *       failure of a request without assertion into that 401 too).
 * </ul>
 *
 * <p>Runs on every dispatch (request, forward, include, async, error) with the decision of the
 * first. Thread-safe.
 */
public final class IapAuthenticationFilter implements Filter {

  private final IapServletPipeline pipeline;
  private final IapAuthoritiesMapper authoritiesMapper;
  private final SecurityContextHolderStrategy contexts;
  private final SecurityContextRepository repository;

  IapAuthenticationFilter(
      IapServletPipeline pipeline,
      IapAuthoritiesMapper authoritiesMapper,
      SecurityContextHolderStrategy contexts,
      SecurityContextRepository repository) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.authoritiesMapper = Objects.requireNonNull(authoritiesMapper, "authoritiesMapper");
    this.contexts = Objects.requireNonNull(contexts, "contexts");
    this.repository = Objects.requireNonNull(repository, "repository");
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletResponse response = (HttpServletResponse) res;
    pipeline.handle(
        (HttpServletRequest) req,
        response,
        false,
        (request, decision) -> {
          IapChainBackstopFilter.markHandled(request, pipeline);
          if (decision.outcome() == IapDecision.Outcome.VERIFIED) {
            authenticate(request, response, decision.identity());
          }
          chain.doFilter(request, response);
        });
  }

  private void authenticate(
      HttpServletRequest request, HttpServletResponse response, IapIdentity identity) {
    Authentication current = contexts.getContext().getAuthentication();
    if (current instanceof IapAuthenticationToken
        && ((IapAuthenticationToken) current).identity().equals(identity)) {
      return; // a later dispatch whose context the repository restored
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(
        new IapAuthenticationToken(identity, authoritiesMapper.authorities(identity)));
    contexts.setContext(context);
    repository.saveContext(context, request, response);
  }

  @Override
  public String toString() {
    return "IapAuthenticationFilter[" + pipeline + "]";
  }
}
