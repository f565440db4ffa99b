package io.github.iapverifier.servlet;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A servlet filter that lets a request through only if it carries a valid IAP assertion (header
 * {@value IapVerifier#HEADER}), and tells the application who the user is.
 *
 * <p>On success the request passes on wrapped: {@code getUserPrincipal()} is an {@link
 * IapPrincipal} (name = email), {@code getRemoteUser()} is the email, {@code getAuthType()} is
 * {@value #AUTH_TYPE}, the {@link IapIdentity} is the request attribute {@link #IDENTITY_ATTRIBUTE}
 * (also {@link #identity(ServletRequest)}), and the unsigned legacy headers {@code
 * x-goog-authenticated-user-email} / {@code -id} report the verified identity in IAP's {@code
 * accounts.google.com:} format, whatever the client sent in them.
 *
 * <p>On failure the chain is not called; the response is the {@link IapProblemResponse} for the
 * rejection: 401, 403 for {@link Reason#POLICY_DENIED}, 503 with {@code Retry-After} for {@link
 * Reason#KEYS_UNAVAILABLE}, with an {@code application/problem+json} body. Two values of the
 * assertion header are rejected as {@link Reason#MALFORMED} (IAP sends one; a second was added on
 * the way). Each rejection is logged once, by the logger {@code
 * io.github.iapverifier.servlet.IapFilter}, with method, path, client address, reason and the
 * actionable message, never the assertion: at WARN for {@code POLICY_DENIED} and {@code
 * KEYS_UNAVAILABLE} (configuration or outage, someone must act) and at INFO for the 401 reasons (a
 * request that did not come through IAP is routine noise on an exposed app); see {@link
 * Builder#rejectionLogLevel(Reason, Level)}.
 *
 * <p>Requests to {@linkplain Builder#excludedPaths excluded paths} (health checks) and, when
 * {@linkplain Builder#allowCorsPreflight allowed}, CORS preflights pass unverified, with no
 * principal and with the legacy headers hidden.
 *
 * <p>Three ways to configure it:
 *
 * <ul>
 *   <li>in code: {@code new IapFilter(verifier)} or {@code IapFilter.builder(verifier)...build()}
 *       (the filter does not close that verifier, its creator does); such a filter works even if
 *       the container never calls {@link #init} (for example inside a Spring Security chain);
 *   <li>by init-params ({@code web.xml} or {@code FilterRegistration}) on the no-arg constructor:
 *       {@code audiences} (comma-separated, or {@code detect} on Cloud Run and App Engine,
 *       required), {@code jwks-uri}, {@code excluded-paths} (comma-separated), {@code
 *       allowed-hosted-domains}, {@code required-access-levels}, {@code clock-skew} ({@code PT30S}
 *       or seconds), {@code token-cache-size}, {@code allow-cors-preflight} ({@code true} or {@code
 *       false}) and {@code rejection-log-level} ({@code LEVEL} or {@code REASON=LEVEL},
 *       comma-separated). Unknown names and bad values fail {@link #init} with a message naming the
 *       param; the verifier built from them is closed by {@link #destroy}.
 * </ul>
 *
 * <p>{@link #init} loads IAP's keys so the first request does not wait. If that fails (no network
 * yet, Google unreachable), the filter logs a warning and starts anyway: requests are answered 503
 * until the keys can be fetched, which the key source retries with a backoff. Refusing to start
 * would turn a passing network problem into a crash loop.
 *
 * <p>Verifies once per request: later dispatches of the same request (forward, include, async,
 * error) see the identity established by the first without a second verification. Map the filter to
 * {@code /*} for the {@code REQUEST} and {@code ASYNC} dispatcher types and mark it async
 * supported, so that async servlets work and a request re-dispatched with {@code
 * AsyncContext.dispatch()} sees its principal again. A request admitted unverified (excluded path,
 * preflight) stays unverified when the application forwards it elsewhere: where a request is
 * forwarded is the application's decision, not the client's.
 *
 * <p>Thread-safe: one instance serves all requests.
 */
public final class IapFilter implements Filter {

  /** The request attribute that holds the verified {@link IapIdentity}. */
  public static final String IDENTITY_ATTRIBUTE = IapIdentity.class.getName();

  /** What {@code getAuthType()} returns for a verified request. */
  public static final String AUTH_TYPE = "IAP";

  private static final Logger log = LoggerFactory.getLogger(IapFilter.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private static final Map<Reason, Level> DEFAULT_LEVELS;

  static {
    Map<Reason, Level> levels = new EnumMap<>(Reason.class);
    for (Reason reason : Reason.values()) {
      levels.put(reason, Level.INFO);
    }
    levels.put(Reason.POLICY_DENIED, Level.WARN);
    levels.put(Reason.KEYS_UNAVAILABLE, Level.WARN);
    DEFAULT_LEVELS = Collections.unmodifiableMap(levels);
  }

  /** Everything a configured filter needs; immutable. */
  record Settings(
      IapVerifier verifier,
      ExcludedPaths excludedPaths,
      boolean allowCorsPreflight,
      Map<Reason, Level> logLevels) {}

  /**
   * Marks a request this filter instance has handled. Its value is an instance of this private
   * class, which nothing outside can create, so neither a client nor another component can make the
   * filter skip verification.
   */
  private static final class Handled {
    final IapIdentity identity;

    Handled(IapIdentity identity) {
      this.identity = identity;
    }
  }

  private final boolean configuredInCode;
  // Per instance, so that a second filter with a stricter policy still verifies on forward.
  private final String handledAttribute =
      IapFilter.class.getName() + ".HANDLED." + INSTANCES.incrementAndGet();
  private volatile Settings settings;
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
    this(builder(verifier));
  }

  private IapFilter(Builder builder) {
    this.configuredInCode = true;
    this.settings = builder.settings(builder.verifier);
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
   * Returns the identity this filter verified for a request.
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
    Settings s;
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
      s = settings;
    } else {
      if (settings != null) {
        throw new ServletException("IapFilter '" + name + "' is already initialised");
      }
      try {
        InitParams parsed = InitParams.parse(params);
        IapVerifier verifier = parsed.verifier().build();
        ownedVerifier = verifier;
        s = parsed.filter().settings(verifier);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ServletException("IapFilter '" + name + "': " + e.getMessage(), e);
      }
    }
    try {
      s.verifier().warmUp();
    } catch (IapVerificationException e) {
      log.warn(
          "IapFilter '{}': IAP's signing keys could not be loaded at start-up ({}); requests are"
              + " answered 503 until they can be fetched",
          name,
          e.getMessage());
    } catch (RuntimeException e) {
      log.warn("IapFilter '{}': loading IAP's signing keys at start-up failed", name, e);
    }
    settings = s;
    log.info(
        "IapFilter '{}' verifies IAP assertions for audiences {}; excluded paths {}; CORS"
            + " preflight {}",
        name,
        s.verifier().audiences(),
        s.excludedPaths(),
        s.allowCorsPreflight() ? "exempt" : "verified");
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    Settings s = settings;
    if (s == null) {
      // Fail closed: an uninitialised or destroyed filter must not let requests through.
      throw new ServletException(
          "IapFilter '" + name + "' is not initialised (or was destroyed); no request passes");
    }
    if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
      throw new ServletException("IapFilter handles HTTP requests only");
    }
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;

    Object handled = request.getAttribute(handledAttribute);
    if (handled instanceof Handled) {
      // A later dispatch (forward, include, async, error) of a request handled already. An
      // async dispatch may carry the container's unwrapped request again: wrap it once more.
      HttpServletRequest next =
          isWrapped(request) ? request : new IapRequest(request, ((Handled) handled).identity);
      chain.doFilter(next, response);
      return;
    }
    if (isExempt(request, s)) {
      request.setAttribute(handledAttribute, new Handled(null));
      request.removeAttribute(IDENTITY_ATTRIBUTE);
      chain.doFilter(new IapRequest(request, null), response);
      return;
    }
    IapIdentity identity;
    try {
      identity = s.verifier().verify(assertion(request));
    } catch (IapVerificationException e) {
      reject(request, response, e, s);
      return;
    }
    request.setAttribute(handledAttribute, new Handled(identity));
    request.setAttribute(IDENTITY_ATTRIBUTE, identity);
    chain.doFilter(new IapRequest(request, identity), response);
  }

  /** Closes the verifier this filter built from init-params; one passed in is left open. */
  @Override
  public void destroy() {
    IapVerifier owned = ownedVerifier;
    if (owned != null) {
      settings = null;
      ownedVerifier = null;
      owned.close();
    }
  }

  @Override
  public String toString() {
    Settings s = settings;
    return "IapFilter["
        + name
        + (s == null
            ? ", not initialised"
            : ", audiences=" + s.verifier().audiences() + ", excludedPaths=" + s.excludedPaths())
        + "]";
  }

  /**
   * Reads the assertion header the way this filter does: case-insensitively, and refusing a
   * request that carries it twice (IAP sends exactly one, so a second was added on the way).
   *
   * @param request the request, not null
   * @return the header's value, or null when it is absent
   * @throws IapVerificationException with {@link Reason#MALFORMED} when it is present twice
   */
  public static String assertion(HttpServletRequest request) {
    Enumeration<String> values = request.getHeaders(IapVerifier.HEADER);
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String first = values.nextElement();
    if (values.hasMoreElements()) {
      throw new IapVerificationException(
          Reason.MALFORMED,
          "the request carries more than one "
              + IapVerifier.HEADER
              + " header; IAP sends exactly one, so another was added on the way");
    }
    return first;
  }

  private static boolean isWrapped(ServletRequest request) {
    return request instanceof IapRequest
        || (request instanceof ServletRequestWrapper
            && ((ServletRequestWrapper) request).isWrapperFor(IapRequest.class));
  }

  private static boolean isExempt(HttpServletRequest request, Settings s) {
    if (s.allowCorsPreflight()
        && "OPTIONS".equals(request.getMethod())
        && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null) {
      return true;
    }
    return !s.excludedPaths().isEmpty()
        && s.excludedPaths().matches(pathWithinApplication(request));
  }

  /**
   * The request's path within the application in normal form, or null if it is not in normal form
   * or the container's view of it differs from ours; null is never excluded.
   */
  static String pathWithinApplication(HttpServletRequest request) {
    try {
      String uri = request.getRequestURI();
      String context = request.getContextPath();
      if (uri == null || context == null || !uri.startsWith(context)) {
        return null;
      }
      String rest = uri.substring(context.length());
      if (rest.startsWith(";")) { // path parameters on the context path's last segment
        int slash = rest.indexOf('/');
        rest = slash < 0 ? "" : rest.substring(slash);
      }
      String path = ExcludedPaths.normalise(rest);
      if (path == null) {
        return null;
      }
      // Belt and braces: exclude only what the container itself maps as this same path.
      String servletPath = request.getServletPath();
      String pathInfo = request.getPathInfo();
      String containerPath =
          (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
      return path.equals(containerPath) ? path : null;
    } catch (RuntimeException e) {
      // Some containers throw on ambiguous paths: not normal form, so not excluded.
      return null;
    }
  }

  private void reject(
      HttpServletRequest request,
      HttpServletResponse response,
      IapVerificationException failure,
      Settings s)
      throws IOException {
    IapProblemResponse problem = IapProblemResponse.of(failure);
    Level level = s.logLevels().get(failure.reason());
    if (log.isEnabledForLevel(level)) {
      log.atLevel(level)
          .log(
              "IAP rejected {} {} from {}: {} {}: {}",
              ExcludedPaths.printable(String.valueOf(request.getMethod())),
              ExcludedPaths.printable(String.valueOf(request.getRequestURI())),
              request.getRemoteAddr(),
              problem.status(),
              failure.reason(),
              failure.getMessage());
    }
    // Nothing can be sent on a committed response; the chain is not called either way.
    problem.writeTo(response);
  }

  /**
   * Configures an {@link IapFilter} in code. Fails fast on a bad setting. Not thread-safe; the
   * filter it builds is.
   */
  public static final class Builder {
    private final IapVerifier verifier;
    private final List<String> excludedPaths = new ArrayList<>();
    private boolean allowCorsPreflight;
    private final Map<Reason, Level> logLevels = new EnumMap<>(DEFAULT_LEVELS);

    /** For init-params, where the verifier is built after parsing. */
    Builder(IapVerifier verifier) {
      this.verifier = verifier;
    }

    /**
     * Lets requests to these paths through without an assertion, for load balancer health checks.
     * Patterns are exact paths ({@code /healthz}) or prefixes ({@code /status/**}, which matches
     * {@code /status} and everything below), matched on the path within the application (context
     * path and {@code ;} path parameters removed, escapes decoded). A request path that is not in
     * normal form ({@code /healthz/../admin}, {@code //healthz}, {@code %2e%2e}) is never excluded.
     * Default: none.
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
     */
    public Builder excludedPaths(Collection<String> patterns) {
      ExcludedPaths.of(patterns); // validates, naming the bad pattern
      excludedPaths.addAll(patterns);
      return this;
    }

    /**
     * Lets CORS preflight requests ({@code OPTIONS} with {@code Origin} and {@code
     * Access-Control-Request-Method}) through without an assertion. Turn on only when IAP is set to
     * pass {@code OPTIONS} requests unauthenticated ({@code allow_http_options}); IAP then sends
     * them without an assertion. Default: false, they are verified like any request.
     *
     * @param allow whether preflights are exempt
     * @return this builder
     */
    public Builder allowCorsPreflight(boolean allow) {
      this.allowCorsPreflight = allow;
      return this;
    }

    /**
     * Logs every rejection at this level.
     *
     * @param level the level, not null
     * @return this builder
     */
    public Builder rejectionLogLevel(Level level) {
      Objects.requireNonNull(level, "level");
      for (Reason reason : Reason.values()) {
        logLevels.put(reason, level);
      }
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
      logLevels.put(
          Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(level, "level"));
      return this;
    }

    /**
     * Builds the filter.
     *
     * @return a filter, thread-safe
     */
    public IapFilter build() {
      if (verifier == null) {
        throw new IllegalStateException("this builder configures a filter from init-params");
      }
      return new IapFilter(this);
    }

    Settings settings(IapVerifier verifier) {
      return new Settings(
          verifier,
          ExcludedPaths.of(excludedPaths),
          allowCorsPreflight,
          Collections.unmodifiableMap(new EnumMap<>(logLevels)));
    }
  }
}
