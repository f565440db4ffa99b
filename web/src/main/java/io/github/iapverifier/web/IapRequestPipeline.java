package io.github.iapverifier.web;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The request pipeline every adapter runs, whatever its HTTP stack: so that a servlet filter, a
 * Spring Security filter and a reactive filter treat each request alike, they all ask it and act on
 * its {@link IapDecision}.
 *
 * <ol>
 *   <li>Exemption: an {@linkplain Builder#excludedPaths excluded path} in normal form, or a CORS
 *       preflight when {@linkplain Builder#allowCorsPreflight allowed}, needs no assertion: {@link
 *       IapDecision.Outcome#EXEMPT}.
 *   <li>Exactly one assertion header, the {@linkplain IapVerifier#header() verifier's proxy's}
 *       ({@code x-goog-iap-jwt-assertion} for Google IAP, {@code Cf-Access-Jwt-Assertion}, {@code
 *       x-amzn-oidc-data}, {@code X-Pomerium-Jwt-Assertion}): none (or a blank one) is {@link
 *       IapDecision.Outcome#NO_ASSERTION}; two or more are rejected as {@link Reason#MALFORMED}
 *       (the proxy sends one, so another was added on the way).
 *   <li>Verification by the {@link IapVerifier}: {@link IapDecision.Outcome#VERIFIED} with the
 *       identity, or {@link IapDecision.Outcome#REJECTED} with the {@link IapProblem} to answer.
 * </ol>
 *
 * <p>Each rejection is logged once, by the logger {@code
 * io.github.iapverifier.web.IapRequestPipeline}, with method, path, client address, status, reason
 * and the actionable message (never the assertion): at WARN for {@link Reason#POLICY_DENIED} and
 * {@link Reason#KEYS_UNAVAILABLE} (configuration or outage, someone must act) and at INFO for the
 * 401 reasons (a request that did not come through IAP is routine noise on an exposed app); see
 * {@link Builder#rejectionLogLevel(Reason, Level)}. Clients get the short fixed {@code detail} of
 * {@link IapProblem#detail(Reason)} unless {@link Builder#includeRejectionMessage} is on.
 *
 * <p>Never throws for anything a client sends. Immutable and thread-safe; build one per application
 * (or per filter) and share it.
 */
public final class IapRequestPipeline {

  private static final Logger log = LoggerFactory.getLogger(IapRequestPipeline.class);

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

  private final IapVerifier verifier;
  private final ExcludedPaths excludedPaths;
  private final boolean allowCorsPreflight;
  private final boolean includeRejectionMessage;
  private final Map<Reason, Level> logLevels;
  private final Logger logger;
  // Built once: reactive filter chains ask every filter for its description on every exchange.
  private final String description;

  private IapRequestPipeline(Builder builder, IapVerifier verifier) {
    this.verifier = verifier;
    this.excludedPaths = ExcludedPaths.of(builder.excludedPaths);
    this.allowCorsPreflight = builder.allowCorsPreflight;
    this.includeRejectionMessage = builder.includeRejectionMessage;
    this.logLevels = Collections.unmodifiableMap(new EnumMap<>(builder.logLevels));
    this.logger = builder.logger;
    this.description =
        "IapRequestPipeline[proxy="
            + verifier.proxy().configName()
            + ", audiences="
            + verifier.audiences()
            + ", excludedPaths="
            + excludedPaths
            + ", corsPreflight="
            + (allowCorsPreflight ? "exempt" : "verified")
            + "]";
  }

  /**
   * Starts configuring a pipeline.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the verifier assertions are checked with.
   *
   * @return the verifier, never null
   */
  public IapVerifier verifier() {
    return verifier;
  }

  /**
   * Returns the level rejections for a reason are logged at.
   *
   * @param reason the reason, not null
   * @return the level, never null
   */
  public Level rejectionLogLevel(Reason reason) {
    return logLevels.getOrDefault(Objects.requireNonNull(reason, "reason"), Level.INFO);
  }

  /**
   * Decides what to do with a request. A {@link IapDecision.Outcome#REJECTED} decision is logged
   * here; the others are not.
   *
   * @param request the request, not null
   * @return the decision, never null
   */
  public IapDecision decide(IapHttpRequest request) {
    return decide(request, false);
  }

  /**
   * Decides what to do with a request if that needs no blocking call, for adapters on a thread
   * that must not block (an event loop): as {@link #decide}, with the verifier's {@link
   * IapVerifier#verifyIfReady}. Empty when only {@link #decide}, on a thread that may block, can
   * tell (the key is not held in memory); nothing is logged or reported then.
   *
   * @param request the request, not null
   * @return the decision, or empty; never null
   */
  public Optional<IapDecision> decideIfReady(IapHttpRequest request) {
    return Optional.ofNullable(decide(request, true));
  }

  /** Both entry points; null only {@code ifReady} and undecided. */
  private IapDecision decide(IapHttpRequest request, boolean ifReady) {
    Objects.requireNonNull(request, "request");
    if (isExempt(request)) {
      return IapDecision.EXEMPT;
    }
    String header = verifier.header();
    List<String> values = request.headers(header);
    if (values == null || values.isEmpty()) {
      return IapDecision.NO_ASSERTION;
    }
    if (values.size() > 1) {
      return IapDecision.rejected(
          reject(
              request,
              new IapVerificationException(
                  Reason.MALFORMED,
                  "the request carries "
                      + values.size()
                      + " "
                      + header
                      + " headers; the proxy sends exactly one, so another was added on the way")));
    }
    String assertion = values.get(0);
    if (assertion == null || assertion.isBlank()) {
      return IapDecision.NO_ASSERTION;
    }
    IapIdentity identity;
    try {
      if (ifReady) {
        identity = verifier.verifyIfReady(assertion).orElse(null);
        if (identity == null) {
          return null;
        }
      } else {
        identity = verifier.verify(assertion);
      }
    } catch (IapVerificationException e) {
      return IapDecision.rejected(reject(request, e));
    }
    return IapDecision.verified(identity);
  }

  /**
   * Tells whether a request needs no assertion: an excluded path in normal form, or an allowed CORS
   * preflight. Authorization layers use it to permit what this pipeline exempts.
   *
   * @param request the request, not null
   * @return true if exempt
   */
  public boolean isExempt(IapHttpRequest request) {
    if (allowCorsPreflight
        && "OPTIONS".equals(request.method())
        && !request.headers("Origin").isEmpty()
        && !request.headers("Access-Control-Request-Method").isEmpty()) {
      return true;
    }
    return !excludedPaths.isEmpty() && excludedPaths.matches(request.pathWithinApplication());
  }

  /**
   * Rejects a request that carries no assertion ({@link IapDecision.Outcome#NO_ASSERTION}) where
   * one is required: logs it and returns the 401 {@link Reason#MISSING} response. The verifier's
   * event listener is told, as for any rejection.
   *
   * @param request the request, not null
   * @return the response to send, never null
   */
  public IapProblem rejectMissing(IapHttpRequest request) {
    IapVerificationException missing;
    try {
      verifier.verify(null); // the verifier's own MISSING, with its event
      missing = null;
    } catch (IapVerificationException e) {
      missing = e;
    }
    if (missing == null || missing.reason() != Reason.MISSING) {
      missing =
          new IapVerificationException(
              Reason.MISSING,
              "no IAP assertion: the request carries no "
                  + verifier.header()
                  + " header; requests must reach the app through "
                  + verifier.proxy().configName());
    }
    return reject(request, missing);
  }

  /**
   * Logs a rejection and returns the response to send. Adapters call it for rejections made outside
   * {@link #decide}, such as an authorization rule's denial, so that every rejection is logged and
   * answered the same way.
   *
   * @param request the request, not null
   * @param failure why it is rejected, not null
   * @return the response to send, never null
   */
  public IapProblem reject(IapHttpRequest request, IapVerificationException failure) {
    Objects.requireNonNull(request, "request");
    IapProblem problem = IapProblem.of(failure, includeRejectionMessage);
    Level level = rejectionLogLevel(failure.reason());
    if (logger.isEnabledForLevel(level)) {
      logger
          .atLevel(level)
          .log(
              "IAP rejected {} {} from {}: {} {}: {}",
              IapHttpRequest.printable(request.method()),
              IapHttpRequest.printable(request.path()),
              request.remoteAddress(),
              problem.status(),
              failure.reason(),
              failure.getMessage());
    }
    return problem;
  }

  @Override
  public String toString() {
    return description;
  }

  /**
   * Configures an {@link IapRequestPipeline}. Fails fast on a bad setting. Not thread-safe; the
   * pipeline it builds is.
   */
  public static final class Builder {
    private final List<String> excludedPaths = new ArrayList<>();
    private boolean allowCorsPreflight;
    private boolean includeRejectionMessage;
    private final Map<Reason, Level> logLevels = new EnumMap<>(DEFAULT_LEVELS);
    private Logger logger = log;

    private Builder() {}

    /**
     * Lets requests to these paths through without an assertion, for load balancer health checks.
     * Patterns are exact paths ({@code /healthz}) or prefixes ({@code /status/**}, which matches
     * {@code /status} and everything below), compared with the raw path within the application.
     *
     * <p>Only a path in normal form as sent is excluded: segments of letters, digits and {@code - .
     * _ ~ ! $ & ' ( ) * + , = : @}, none of them empty (but a trailing one), {@code .} or {@code
     * ..}. Any other path is verified like the rest of the application, whatever it would decode or
     * normalise to: {@code /health%7A}, {@code /healthz;x}, {@code /healthz/../admin}, {@code
     * //healthz} all need an assertion. So an exclusion can never be reached by a path that means
     * something else further down. Default: none.
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
     * Puts the actionable message of each rejection (configured audiences, domains, access levels,
     * key endpoint and fetch errors) in the response's {@code detail}, instead of the short fixed
     * text. It is always in the log line. Turn on only where every client may see the
     * configuration, such as a staging app. Default: false.
     *
     * @param include whether clients see the full message
     * @return this builder
     */
    public Builder includeRejectionMessage(boolean include) {
      this.includeRejectionMessage = include;
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

    /** For tests: where rejections are logged. */
    Builder logger(Logger logger) {
      this.logger = Objects.requireNonNull(logger, "logger");
      return this;
    }

    /**
     * Builds the pipeline.
     *
     * @param verifier the verifier to check assertions with, not null; the pipeline does not close
     *     it
     * @return a pipeline, thread-safe
     */
    public IapRequestPipeline build(IapVerifier verifier) {
      return new IapRequestPipeline(this, Objects.requireNonNull(verifier, "verifier"));
    }
  }
}
