package io.github.iapverifier.servlet;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.web.IapRequestPipeline;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A servlet filter that lets a request through only if it carries a valid assertion of the
 * verifier's identity-aware proxy (header {@link IapVerifier#header()}: {@value IapVerifier#HEADER}
 * for Google IAP, {@code Cf-Access-Jwt-Assertion} for Cloudflare Access, {@code x-amzn-oidc-data}
 * for AWS ALB, {@code X-Pomerium-Jwt-Assertion} for Pomerium), and tells the application who the
 * user is. It runs the shared request pipeline ({@link IapRequestPipeline}, on the servlet API
 * {@link IapServletPipeline}), so it answers every case as the Spring Boot starter does, with or
 * without Spring Security.
 *
 * <p>On success the request passes on wrapped: {@code getUserPrincipal()} is an {@link
 * IapPrincipal} (name = email), {@code getRemoteUser()} is the email, {@code getAuthType()} is
 * {@value #AUTH_TYPE}, the {@link IapIdentity} is the request attribute {@link #IDENTITY_ATTRIBUTE}
 * (also {@link #identity(ServletRequest)}), and the proxies' unsigned identity headers ({@code
 * x-goog-authenticated-user-email} / {@code -id} in IAP's {@code accounts.google.com:} format,
 * {@code Cf-Access-Authenticated-User-Email}, {@code x-amzn-oidc-identity}, {@code
 * X-Pomerium-Claim-*}; see {@link io.github.iapverifier.web.IapIdentityHeaders}) report the
 * verified identity, whatever the client sent in them.
 *
 * <p>On failure the chain is not called; the response is the {@link
 * io.github.iapverifier.web.IapProblem} for the rejection: 401, 403 for {@link
 * Reason#POLICY_DENIED}, 503 with {@code Retry-After} for {@link Reason#KEYS_UNAVAILABLE}, with an
 * {@code application/problem+json} body whose {@code detail} is a short fixed text (see {@link
 * Builder#includeRejectionMessage}). Two values of the assertion header are rejected as {@link
 * Reason#MALFORMED}. Each rejection is logged once, by the logger {@code
 * io.github.iapverifier.web.IapRequestPipeline}, with the actionable message.
 *
 * <p>Requests to {@linkplain Builder#excludedPaths excluded paths} (health checks) and, when
 * {@linkplain Builder#allowCorsPreflight allowed}, CORS preflights pass unverified, with no
 * principal and with the identity headers hidden.
 *
 * <p>Three ways to configure it:
 *
 * <ul>
 *   <li>in code: {@code new IapFilter(verifier)}, {@code IapFilter.builder(verifier)...build()} or
 *       {@code new IapFilter(pipeline)} (the filter does not close that verifier, its creator
 *       does); such a filter works even if the container never calls {@link #init};
 *   <li>by init-params ({@code web.xml} or {@code FilterRegistration}) on the no-arg constructor:
 *       {@code proxy} ({@code google-iap}, the default, {@code cloudflare-access}, {@code aws-alb}
 *       or {@code pomerium}) and the proxy's own:
 *       <ul>
 *         <li>{@code google-iap}: {@code audiences} (comma-separated, or {@code detect} on Cloud
 *             Run and App Engine, required), {@code jwks-uri}, {@code allowed-hosted-domains},
 *             {@code required-access-levels};
 *         <li>{@code cloudflare-access}: {@code team-domain} and {@code audiences} (the AUD tags),
 *             required, {@code jwks-uri};
 *         <li>{@code aws-alb}: {@code region} (or {@code key-endpoint}) and {@code signers} (load
 *             balancer ARNs), required, {@code client-ids}, {@code key-endpoint};
 *         <li>{@code pomerium}: {@code route-host}, required, {@code algorithm} ({@code ES256}, the
 *             default, or {@code RS256}), {@code jwks-uri};
 *       </ul>
 *       and for every proxy {@code excluded-paths} (comma-separated), {@code clock-skew} ({@code
 *       PT30S} or seconds), {@code token-cache-size}, {@code allow-cors-preflight} ({@code true} or
 *       {@code false}), {@code include-rejection-message} ({@code true} or {@code false}) and
 *       {@code rejection-log-level} ({@code LEVEL} or {@code REASON=LEVEL}, comma-separated).
 *       Unknown names, bad values and init-params of another proxy (such as {@code
 *       allowed-hosted-domains} with {@code cloudflare-access}, which would silently not be
 *       applied) fail {@link #init} with a message naming the param; the verifier built from them
 *       is closed by {@link #destroy}.
 * </ul>
 *
 * <p>{@link #init} loads the proxy's keys so the first request does not wait. If that fails (no
 * network yet, the key endpoint unreachable), the filter logs a warning and starts anyway: requests
 * are answered 503 until the keys can be fetched, which the key source retries with a backoff.
 * Refusing to start would turn a passing network problem into a crash loop.
 *
 * <p>Verifies once per request: later dispatches of the same request (forward, include, async,
 * error) see the identity established by the first without a second verification. Map the filter to
 * {@code /*} for every dispatcher type ({@code REQUEST}, {@code FORWARD}, {@code INCLUDE}, {@code
 * ASYNC}, {@code ERROR}) and mark it async supported, so that async servlets work and an error page
 * or an async completion sees the identity (and never a client's legacy header). A request admitted
 * unverified (excluded path, preflight) stays unverified when the application forwards it
 * elsewhere: where a request is forwarded is the application's decision, not the client's.
 *
 * <p>Thread-safe: one instance serves all requests.
 */
public final class IapFilter implements Filter {

  /** The request attribute that holds the verified {@link IapIdentity}. */
  public static final String IDENTITY_ATTRIBUTE = IapIdentity.class.getName();

  /** What {@code getAuthType()} returns for a verified request. */
  public static final String AUTH_TYPE = "IAP";

  private static final Logger log = LoggerFactory.getLogger(IapFilter.class);

  private final boolean configuredInCode;
  private volatile IapServletPipeline pipeline;
  private volatile IapVerifier ownedVerifier;
  private volatile String name = "IapFilter";

  /**
   * Creates a filter to be configured by init-params in {@link #init}, as containers do for a
   * filter declared in {@code web.xml}. Until then it refuses every request.
   */
  public IapFilter() {
    this.configuredInCode = false;
  }

  /**
   * Creates a filter that verifies with this verifier, with no excluded path.
   *
   * @param verifier the verifier, not null; the filter does not close it
   */
  public IapFilter(IapVerifier verifier) {
    this(builder(verifier).pipeline());
  }

  /**
   * Creates a filter that runs this pipeline.
   *
   * @param pipeline the pipeline, not null; the filter does not close its verifier
   */
  public IapFilter(IapRequestPipeline pipeline) {
    this.configuredInCode = true;
    this.pipeline = new IapServletPipeline(Objects.requireNonNull(pipeline, "pipeline"));
  }

  /**
   * Starts configuring a filter in code.
   *
   * @param verifier the verifier, not null; the filter does not close it
   * @return a new builder, not thread-safe
   */
  public static Builder builder(IapVerifier verifier) {
    return new Builder(Objects.requireNonNull(verifier, "verifier"));
  }

  /**
   * Returns the identity this filter (or any adapter on {@link IapServletPipeline}) verified for a
   * request.
   *
   * @param request a request behind the filter, not null
   * @return the identity, or empty if the request passed unverified (excluded path, CORS preflight)
   *     or did not pass through the filter
   */
  public static Optional<IapIdentity> identity(ServletRequest request) {
    Object identity = Objects.requireNonNull(request, "request").getAttribute(IDENTITY_ATTRIBUTE);
    return identity instanceof IapIdentity ? Optional.of((IapIdentity) identity) : Optional.empty();
  }

  /**
   * Configures the filter from its init-params (when created with the no-arg constructor) and loads
   * IAP's signing keys.
   *
   * @param config the filter's configuration; may be null for a filter configured in code
   * @throws ServletException if an init-param is unknown, missing or invalid (the message names
   *     it), or if a filter configured in code also has init-params
   */
  @Override
  public void init(FilterConfig config) throws ServletException {
    Map<String, String> params = new LinkedHashMap<>();
    if (config != null) {
      if (config.getFilterName() != null) {
        name = config.getFilterName();
      }
      Enumeration<String> names = config.getInitParameterNames();
      while (names != null && names.hasMoreElements()) {
        String param = names.nextElement();
        params.put(param, config.getInitParameter(param));
      }
    }
    IapServletPipeline p;
    if (configuredInCode) {
      if (!params.isEmpty()) {
        throw new ServletException(
            "IapFilter '"
                + name
                + "' was configured in code, so its init-params "
                + params.keySet()
                + " would be ignored; remove them, or create the filter with the no-arg"
                + " constructor to configure it by init-params only");
      }
      p = pipeline;
    } else {
      if (pipeline != null) {
        throw new ServletException("IapFilter '" + name + "' is already initialised");
      }
      try {
        InitParams parsed = InitParams.parse(params);
        IapVerifier verifier = parsed.verifier().build();
        ownedVerifier = verifier;
        p = new IapServletPipeline(parsed.pipeline().build(verifier));
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ServletException("IapFilter '" + name + "': " + e.getMessage(), e);
      }
    }
    try {
      p.pipeline().verifier().warmUp();
    } catch (IapVerificationException e) {
      log.warn(
          "IapFilter '{}': IAP's signing keys could not be loaded at start-up ({}); requests are"
              + " answered 503 until they can be fetched",
          name,
          e.getMessage());
    } catch (RuntimeException e) {
      log.warn("IapFilter '{}': loading IAP's signing keys at start-up failed", name, e);
    }
    pipeline = p;
    log.info("IapFilter '{}' runs {}", name, p);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    IapServletPipeline p = pipeline;
    if (p == null) {
      // Fail closed: an uninitialised or destroyed filter must not let requests through.
      throw new ServletException(
          "IapFilter '" + name + "' is not initialised (or was destroyed); no request passes");
    }
    if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
      throw new ServletException("IapFilter handles HTTP requests only");
    }
    p.handle(
        (HttpServletRequest) req,
        (HttpServletResponse) res,
        true,
        (request, decision) -> chain.doFilter(request, res));
  }

  /** Closes the verifier this filter built from init-params; one passed in is left open. */
  @Override
  public void destroy() {
    IapVerifier owned = ownedVerifier;
    if (owned != null) {
      pipeline = null;
      ownedVerifier = null;
      owned.close();
    }
  }

  @Override
  public String toString() {
    IapServletPipeline p = pipeline;
    return "IapFilter[" + name + ", " + (p == null ? "not initialised" : p.toString()) + "]";
  }

  /**
   * Configures an {@link IapFilter} in code: the settings of {@link IapRequestPipeline.Builder}.
   * Fails fast on a bad setting. Not thread-safe; the filter it builds is.
   */
  public static final class Builder {
    private final IapVerifier verifier;
    private final IapRequestPipeline.Builder pipeline = IapRequestPipeline.builder();

    private Builder(IapVerifier verifier) {
      this.verifier = verifier;
    }

    /**
     * Lets requests to these paths through without an assertion, for load balancer health checks:
     * exact paths ({@code /healthz}) or prefixes ({@code /status/**}), matched on the path within
     * the application as sent. A path not in normal form ({@code /healthz/../admin}, {@code
     * //healthz}, {@code /health%7A}, {@code /healthz;x}) is never excluded; see {@link
     * IapRequestPipeline.Builder#excludedPaths(String...)}. Default: none.
     *
     * @param patterns the patterns, not null
     * @return this builder
     * @throws IllegalArgumentException if a pattern is malformed, or is {@code /**}
     */
    public Builder excludedPaths(String... patterns) {
      return excludedPaths(Arrays.asList(Objects.requireNonNull(patterns, "patterns")));
    }

    /**
     * Collection form of {@link #excludedPaths(String...)}.
     *
     * @param patterns the patterns, not null
     * @return this builder
     * @throws IllegalArgumentException if a pattern is malformed, or is {@code /**}
     */
    public Builder excludedPaths(Collection<String> patterns) {
      pipeline.excludedPaths(patterns);
      return this;
    }

    /**
     * Lets CORS preflights through without an assertion; see {@link
     * IapRequestPipeline.Builder#allowCorsPreflight}. Default: false.
     *
     * @param allow whether preflights are exempt
     * @return this builder
     */
    public Builder allowCorsPreflight(boolean allow) {
      pipeline.allowCorsPreflight(allow);
      return this;
    }

    /**
     * Puts each rejection's actionable message in the response; see {@link
     * IapRequestPipeline.Builder#includeRejectionMessage}. Default: false.
     *
     * @param include whether clients see the full message
     * @return this builder
     */
    public Builder includeRejectionMessage(boolean include) {
      pipeline.includeRejectionMessage(include);
      return this;
    }

    /**
     * Logs every rejection at this level.
     *
     * @param level the level, not null
     * @return this builder
     */
    public Builder rejectionLogLevel(Level level) {
      pipeline.rejectionLogLevel(level);
      return this;
    }

    /**
     * Logs rejections for one reason at this level. Default: WARN for {@link Reason#POLICY_DENIED}
     * and {@link Reason#KEYS_UNAVAILABLE}, INFO for the others.
     *
     * @param reason the reason, not null
     * @param level the level, not null
     * @return this builder
     */
    public Builder rejectionLogLevel(Reason reason, Level level) {
      pipeline.rejectionLogLevel(reason, level);
      return this;
    }

    /**
     * Builds the filter.
     *
     * @return a filter, thread-safe
     */
    public IapFilter build() {
      return new IapFilter(pipeline());
    }

    IapRequestPipeline pipeline() {
      return pipeline.build(verifier);
    }
  }
}
