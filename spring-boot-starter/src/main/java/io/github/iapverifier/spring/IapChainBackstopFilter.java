package io.github.iapverifier.spring;

import io.github.iapverifier.servlet.IapServletPipeline;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Runs after Spring Security's filter chain and verifies every request that no chain applying
 * {@link IapConfigurer} has handled: a path no {@code SecurityFilterChain} matches (a chain with a
 * {@code securityMatcher}), or one served by a chain without the configurer. Without it such
 * requests would reach the application unverified, with a client's identity headers. They are
 * treated as behind the plain {@code IapFilter}: a valid assertion or a rejection (401 when there is
 * none), excluded paths passed on with the identity headers removed.
 *
 * <p>A request an IAP chain has handled goes on with that chain's decision (anonymous where the
 * chain's rules allowed it), wrapped again on later dispatches. Thread-safe.
 */
final class IapChainBackstopFilter implements Filter {

  private static final String HANDLED_BY_CHAIN =
      IapChainBackstopFilter.class.getName() + ".HANDLED_BY_CHAIN";

  /**
   * Marks a request handled by an IAP chain. The value's class is private, so neither a client nor
   * another component can make the backstop skip a request.
   */
  private static final class Handled {
    final IapServletPipeline pipeline;

    Handled(IapServletPipeline pipeline) {
      this.pipeline = pipeline;
    }
  }

  private final IapServletPipeline pipeline;

  IapChainBackstopFilter(IapServletPipeline pipeline) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
  }

  /** Records that a chain's {@link IapAuthenticationFilter} has decided this request. */
  static void markHandled(ServletRequest request, IapServletPipeline chainPipeline) {
    if (!(request.getAttribute(HANDLED_BY_CHAIN) instanceof Handled)) {
      request.setAttribute(HANDLED_BY_CHAIN, new Handled(chainPipeline));
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    Object handled = req.getAttribute(HANDLED_BY_CHAIN);
    boolean byChain = handled instanceof Handled;
    IapServletPipeline decider = byChain ? ((Handled) handled).pipeline : pipeline;
    decider.handle(
        (HttpServletRequest) req,
        (HttpServletResponse) res,
        !byChain,
        (request, decision) -> chain.doFilter(request, res));
  }

  @Override
  public String toString() {
    return "IapChainBackstopFilter[" + pipeline + "]";
  }
}
