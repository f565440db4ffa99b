package io.github.iapverifier.servlet;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.web.IapDecision;
import io.github.iapverifier.web.IapDecision.Outcome;
import io.github.iapverifier.web.IapProblem;
import io.github.iapverifier.web.IapRequestPipeline;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link IapRequestPipeline} on the servlet API: what the servlet-side adapters ({@link
 * IapFilter}, and the Spring Boot starter's Spring Security filter) do with each dispatch of a
 * request, so that they behave alike.
 *
 * <ul>
 *   <li>First dispatch: the pipeline decides. A verified request goes on wrapped: {@code
 *       getUserPrincipal()} is an {@link IapPrincipal}, {@code getRemoteUser()} the email, {@code
 *       getAuthType()} {@value IapFilter#AUTH_TYPE}, the identity is the request attribute {@link
 *       IapFilter#IDENTITY_ATTRIBUTE}, and the proxies' unsigned identity headers ({@link
 *       io.github.iapverifier.web.IapIdentityHeaders}) report it. An exempt request goes on wrapped
 *       with no identity and the identity headers removed. A rejection is answered with its {@link
 *       IapProblem} and goes no further.
 *   <li>Later dispatches of the same request (forward, include, async, error) go on with the
 *       decision of the first, wrapped again where the container hands over its unwrapped request
 *       (async and error dispatches do), so that an error page or an async completion sees the same
 *       identity and never a forged identity header. Map the adapter to every dispatcher type.
 * </ul>
 *
 * <p>Thread-safe: one instance serves all requests.
 */
public final class IapServletPipeline {

  /** Continues the filter chain with the request as the application is to see it. */
  @FunctionalInterface
  public interface Next {

    /**
     * Continues the chain.
     *
     * @param request the wrapped request to pass on, not null
     * @param decision the decision for this request (the first dispatch's on later dispatches):
     *     {@link Outcome#VERIFIED}, {@link Outcome#EXEMPT}, or {@link Outcome#NO_ASSERTION} when
     *     allowed; never {@link Outcome#REJECTED}
     * @throws IOException as the chain throws it
     * @throws ServletException as the chain throws it
     */
    void proceed(HttpServletRequest request, IapDecision decision)
        throws IOException, ServletException;
  }

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /**
   * Marks a request this instance has handled. Its value is an instance of this private class,
   * which nothing outside can create, so neither a client nor another component can make the
   * pipeline skip verification.
   */
  private static final class Handled {
    final IapDecision decision;

    Handled(IapDecision decision) {
      this.decision = decision;
    }
  }

  private final IapRequestPipeline pipeline;
  // Per instance, so that a second adapter with a stricter policy still verifies on forward.
  private final String handledAttribute =
      IapServletPipeline.class.getName() + ".HANDLED." + INSTANCES.incrementAndGet();

  /**
   * Creates the servlet side of a pipeline.
   *
   * @param pipeline the pipeline, not null
   */
  public IapServletPipeline(IapRequestPipeline pipeline) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
  }

  /**
   * Returns the pipeline this runs.
   *
   * @return the pipeline, never null
   */
  public IapRequestPipeline pipeline() {
    return pipeline;
  }

  /**
   * Runs the pipeline for one dispatch of a request.
   *
   * @param request the request, not null
   * @param response the response, not null
   * @param requireAssertion true to reject a request without assertion (401 {@code MISSING}), as a
   *     plain filter must; false to pass it on anonymous, only for an adapter behind which an
   *     authorization layer rejects anonymous requests where authentication is required (with
   *     {@link #rejectMissing}, so that the answer is the same)
   * @param next how to continue the chain; not called for a rejection
   * @throws IOException if writing a rejection fails, or as the chain throws it
   * @throws ServletException as the chain throws it
   */
  public void handle(
      HttpServletRequest request, HttpServletResponse response, boolean requireAssertion, Next next)
      throws IOException, ServletException {
    Object handled = request.getAttribute(handledAttribute);
    if (handled instanceof Handled) {
      IapDecision decision = ((Handled) handled).decision;
      HttpServletRequest wrapped =
          isWrapped(request) ? request : new IapRequest(request, decision.identity());
      next.proceed(wrapped, decision);
      return;
    }
    ServletRequestView view = new ServletRequestView(request);
    IapDecision decision = pipeline.decide(view);
    switch (decision.outcome()) {
      case VERIFIED:
        request.setAttribute(IapFilter.IDENTITY_ATTRIBUTE, decision.identity());
        break;
      case REJECTED:
        write(decision.problem(), response);
        return;
      case NO_ASSERTION:
        if (requireAssertion) {
          write(pipeline.rejectMissing(view), response);
          return;
        }
        request.removeAttribute(IapFilter.IDENTITY_ATTRIBUTE);
        break;
      default:
        request.removeAttribute(IapFilter.IDENTITY_ATTRIBUTE);
        break;
    }
    request.setAttribute(handledAttribute, new Handled(decision));
    IapIdentity identity = decision.identity();
    next.proceed(new IapRequest(request, identity), decision);
  }

  /**
   * Tells whether the pipeline exempts a request (an excluded path in normal form, an allowed CORS
   * preflight), for authorization layers that permit what the pipeline exempts.
   *
   * @param request the request, not null
   * @return true if exempt
   */
  public boolean isExempt(HttpServletRequest request) {
    return pipeline.isExempt(new ServletRequestView(request));
  }

  /**
   * Logs and returns the 401 {@code MISSING} rejection of a request that needs an assertion and has
   * none, for an authorization layer's entry point.
   *
   * @param request the request, not null
   * @return the response to {@linkplain #write write}, never null
   */
  public IapProblem rejectMissing(HttpServletRequest request) {
    return pipeline.rejectMissing(new ServletRequestView(request));
  }

  /**
   * Logs and returns the response to a rejection made outside the pipeline, such as a denial by an
   * authorization rule.
   *
   * @param request the request, not null
   * @param failure the rejection, not null
   * @return the response to {@linkplain #write write}, never null
   */
  public IapProblem reject(HttpServletRequest request, IapVerificationException failure) {
    return pipeline.reject(new ServletRequestView(request), failure);
  }

  /**
   * Sends a rejection: status, headers, content type and body, replacing anything buffered. Does
   * nothing when the response is already committed.
   *
   * @param problem the rejection, not null
   * @param response the response, not null
   * @throws IOException if writing the body fails
   */
  public static void write(IapProblem problem, HttpServletResponse response) throws IOException {
    Objects.requireNonNull(problem, "problem");
    if (response.isCommitted()) {
      return; // nothing can be sent any more
    }
    byte[] body = problem.body();
    response.resetBuffer();
    response.setStatus(problem.status());
    problem.headers().forEach(response::setHeader);
    response.setContentType(IapProblem.CONTENT_TYPE);
    response.setContentLength(body.length);
    try {
      ServletOutputStream out = response.getOutputStream();
      out.write(body);
      out.flush();
    } catch (IllegalStateException e) {
      // Something earlier took the writer; the body is ASCII, so any charset will do.
      PrintWriter writer = response.getWriter();
      writer.write(problem.bodyText());
      writer.flush();
    }
  }

  private static boolean isWrapped(ServletRequest request) {
    return request instanceof IapRequest
        || (request instanceof ServletRequestWrapper
            && ((ServletRequestWrapper) request).isWrapperFor(IapRequest.class));
  }

  @Override
  public String toString() {
    return pipeline.toString();
  }
}
