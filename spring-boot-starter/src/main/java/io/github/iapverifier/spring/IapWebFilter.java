package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapPrincipal;
import io.github.iapverifier.web.IapDecision;
import io.github.iapverifier.web.IapHttpRequest;
import io.github.iapverifier.web.IapIdentityHeaders;
import io.github.iapverifier.web.IapProblem;
import io.github.iapverifier.web.IapRequestPipeline;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The WebFlux counterpart of the servlet {@code IapFilter}: lets an exchange through only if it
 * carries a valid assertion of the verifier's proxy (header {@link IapVerifier#header()}, {@value
 * IapVerifier#HEADER} for Google IAP), by the same {@link
 * IapRequestPipeline} as the servlet adapters, hence with the same exemptions, statuses, bodies and
 * log lines.
 *
 * <ul>
 *   <li>Verified: the exchange passes on with the {@link IapIdentity} as the attribute {@link
 *       #IDENTITY_ATTRIBUTE} (also {@link #identity(ServerWebExchange)}), an {@link IapPrincipal}
 *       (name = email) as {@code getPrincipal()}, and the proxies' unsigned identity headers
 *       (such as {@code x-goog-authenticated-user-email} / {@code -id}) set from it or removed
 *       ({@link IapIdentityHeaders}), whatever the client sent in them.
 *   <li>Exempt (excluded path, allowed CORS preflight): passes on with no identity and the
 *       identity headers removed.
 *   <li>No assertion, or a rejected one: the chain is not called; the answer is the pipeline's
 *       {@link IapProblem}: 401 with {@code WWW-Authenticate: IAP}, 403, or 503 with {@code
 *       Retry-After}, as {@code application/problem+json}.
 * </ul>
 *
 * <p>Verification runs on the calling thread when it needs no blocking call ({@link
 * IapRequestPipeline#decideIfReady}): a repeated assertion, or one whose key the key source holds
 * in memory, which is every request in steady state. A lookup that has to fetch keys (start-up, an
 * unknown key id, keys that expired while the app was idle) waits for the network, so such an
 * exchange is verified on a {@linkplain Builder#scheduler scheduler} (default {@link
 * Schedulers#boundedElastic()}) instead, and the rest of its chain continues on that scheduler's
 * thread. Exempt exchanges are passed on without the hop.
 *
 * <p>The starter registers one for every reactive app, ahead of Spring Security's chains; with
 * Spring Security, {@link IapServerSecurityCustomizer} turns the identity it verified into the
 * chain's {@code Authentication}. Thread-safe: one instance serves all exchanges.
 */
public final class IapWebFilter implements WebFilter, Ordered {

  /** The exchange attribute that holds the verified {@link IapIdentity}. */
  public static final String IDENTITY_ATTRIBUTE = IapIdentity.class.getName();

  /**
   * The filter's order: before everything that could act on an unverified exchange, Spring
   * Security's {@code WebFilterChainProxy} (-100) included.
   */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  /**
   * Marks an exchange this filter let through; an instance of a private class under a private key,
   * so that no other component can make a chain filter believe verification happened.
   */
  private static final String HANDLED_ATTRIBUTE = IapWebFilter.class.getName() + ".HANDLED";

  private static final class Handled {
    final IapIdentity identity;

    Handled(IapIdentity identity) {
      this.identity = identity;
    }
  }

  private final IapRequestPipeline pipeline;
  private final Scheduler scheduler;
  private final Supplier<List<WebExceptionHandler>> exceptionHandlers;
  // Built once: DefaultWebFilterChain labels a Reactor checkpoint with it on every exchange.
  private final String description;

  private IapWebFilter(Builder builder) {
    this.pipeline = builder.pipeline;
    this.scheduler = builder.scheduler;
    this.exceptionHandlers = builder.exceptionHandlers;
    this.description = "IapWebFilter[" + pipeline + "]";
  }

  /**
   * Creates a filter over this pipeline that verifies on the calling thread when no key fetch is
   * needed, and on {@link Schedulers#boundedElastic()} when one may be.
   *
   * @param pipeline the pipeline, not null; the filter does not close its verifier
   * @return a filter, thread-safe
   */
  public static IapWebFilter of(IapRequestPipeline pipeline) {
    return builder(pipeline).build();
  }

  /**
   * Starts configuring a filter.
   *
   * @param pipeline the pipeline, not null; the filter does not close its verifier
   * @return a new builder, not thread-safe
   */
  public static Builder builder(IapRequestPipeline pipeline) {
    return new Builder(Objects.requireNonNull(pipeline, "pipeline"));
  }

  /**
   * Returns the identity this filter verified for an exchange.
   *
   * @param exchange an exchange behind the filter, not null
   * @return the identity, or empty if the exchange passed unverified (excluded path, CORS
   *     preflight) or did not pass through the filter
   */
  public static Optional<IapIdentity> identity(ServerWebExchange exchange) {
    Object identity = Objects.requireNonNull(exchange, "exchange").getAttribute(IDENTITY_ATTRIBUTE);
    return identity instanceof IapIdentity ? Optional.of((IapIdentity) identity) : Optional.empty();
  }

  /**
   * Tells whether an {@code IapWebFilter} let this exchange through, and with which identity.
   *
   * @return null if none did; else the identity, empty when the exchange was exempt
   */
  static Optional<IapIdentity> handled(ServerWebExchange exchange) {
    Object handled = exchange.getAttribute(HANDLED_ATTRIBUTE);
    return handled instanceof Handled ? Optional.ofNullable(((Handled) handled).identity) : null;
  }

  /** Returns the pipeline, for the security chain's handlers. */
  IapRequestPipeline pipeline() {
    return pipeline;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ExchangeRequest request = new ExchangeRequest(exchange.getRequest());
    if (pipeline.isExempt(request)) {
      return proceed(exchange, chain, null);
    }
    // In steady state (a repeat, or a key held in memory) the decision is CPU-only: take it here;
    // only a lookup that may wait for the network moves to the scheduler.
    IapDecision ready = pipeline.decideIfReady(request).orElse(null);
    if (ready != null) {
      return act(exchange, chain, request, ready);
    }
    return Mono.fromCallable(() -> pipeline.decide(request))
        .subscribeOn(scheduler)
        .flatMap(decision -> act(exchange, chain, request, decision));
  }

  private Mono<Void> act(
      ServerWebExchange exchange,
      WebFilterChain chain,
      ExchangeRequest request,
      IapDecision decision) {
    switch (decision.outcome()) {
      case VERIFIED:
        return proceed(exchange, chain, decision.identity());
      case EXEMPT:
        return proceed(exchange, chain, null);
      case NO_ASSERTION:
        // Behind IAP every request but the exempt ones carries an assertion, whatever the
        // security chains would permit: fail closed before any of them runs.
        return write(exchange.getResponse(), pipeline.rejectMissing(request));
      default:
        return write(exchange.getResponse(), decision.problem());
    }
  }

  private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, IapIdentity identity) {
    ServerWebExchange passed = pass(exchange, identity);
    Mono<Void> result = chain.filter(passed);
    List<WebExceptionHandler> handlers = exceptionHandlers.get();
    if (handlers.isEmpty()) {
      return result;
    }
    // WebFlux hands errors to its exception handlers with the exchange as the server received it,
    // forged legacy headers included; handled here, they see the exchange the app saw.
    return result.onErrorResume(
        error -> {
          Mono<Void> handled = Mono.error(error);
          for (WebExceptionHandler handler : handlers) {
            handled = handled.onErrorResume(e -> handler.handle(passed, e));
          }
          return handled;
        });
  }

  private static ServerWebExchange pass(ServerWebExchange exchange, IapIdentity identity) {
    exchange.getAttributes().put(HANDLED_ATTRIBUTE, new Handled(identity));
    if (identity != null) {
      exchange.getAttributes().put(IDENTITY_ATTRIBUTE, identity);
    } else {
      exchange.getAttributes().remove(IDENTITY_ATTRIBUTE);
    }
    ServerWebExchange.Builder passed = exchange.mutate();
    if (identity != null) {
      passed.principal(Mono.just(new IapPrincipal(identity)));
    }
    return passed.request(new PassedRequest(exchange.getRequest(), identity)).build();
  }

  /**
   * The request the application sees: the identity headers set from the identity, or removed.
   *
   * <p>Only {@code HttpHeaders} methods whose signatures Spring Framework 6.2 (Boot 3.5) and 7.0
   * (Boot 4) share are called ({@code forEach}, {@code add}, {@code set}): the class stopped being a
   * {@code MultiValueMap} in 7.0, so {@code get} and {@code remove} link differently on each.
   */
  private static final class PassedRequest extends ServerHttpRequestDecorator {
    private final HttpHeaders headers = new HttpHeaders();

    PassedRequest(ServerHttpRequest request, IapIdentity identity) {
      super(request);
      Map<String, List<String>> sent = new LinkedHashMap<>();
      request
          .getHeaders()
          .forEach(
              (name, values) -> {
                if (IapIdentityHeaders.isIdentityHeader(name)) {
                  sent.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
                } else {
                  values.forEach(value -> headers.add(name, value));
                }
              });
      IapIdentityHeaders.of(identity, sent).forEach(headers::set);
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }
  }

  /** Sends a rejection, unless the response is committed already (then nothing can be sent). */
  static Mono<Void> write(ServerHttpResponse response, IapProblem problem) {
    if (response.isCommitted()) {
      return Mono.empty();
    }
    response.setStatusCode(HttpStatus.valueOf(problem.status()));
    HttpHeaders headers = response.getHeaders();
    problem.headers().forEach(headers::set);
    headers.setContentType(MediaType.parseMediaType(IapProblem.CONTENT_TYPE));
    byte[] body = problem.body();
    headers.setContentLength(body.length);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
  }

  @Override
  public String toString() {
    return description;
  }

  /**
   * The values of a header, looked up case-insensitively. Neither {@code get} (whose signature
   * changed when {@code HttpHeaders} stopped being a {@code MultiValueMap} in Spring Framework 7.0)
   * nor {@code getValuesAsList} (which re-tokenizes each value, ~10 µs for an assertion): {@code
   * forEach} links alike on 6.2 and 7.0, whichever this class was compiled against.
   */
  static List<String> values(HttpHeaders headers, String name) {
    List<String> found = new ArrayList<>(1);
    headers.forEach(
        (header, values) -> {
          if (header.equalsIgnoreCase(name)) {
            found.addAll(values);
          }
        });
    return found;
  }

  /** The pipeline's view of a reactive request; reads it in place. */
  static final class ExchangeRequest implements IapHttpRequest {
    private final ServerHttpRequest request;

    ExchangeRequest(ServerHttpRequest request) {
      this.request = request;
    }

    @Override
    public String method() {
      return request.getMethod().name();
    }

    @Override
    public String path() {
      return request.getPath().value();
    }

    @Override
    public String pathWithinApplication() {
      // Raw, still percent-encoded and with any ;parameters: the pipeline exempts only paths
      // already in normal form.
      return request.getPath().pathWithinApplication().value();
    }

    @Override
    public List<String> headers(String name) {
      return values(request.getHeaders(), name);
    }

    @Override
    public String remoteAddress() {
      InetSocketAddress address = request.getRemoteAddress();
      if (address == null) {
        return null;
      }
      return address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    }
  }

  /** Configures an {@link IapWebFilter}. Not thread-safe; the filter it builds is. */
  public static final class Builder {
    private final IapRequestPipeline pipeline;
    private Scheduler scheduler = Schedulers.boundedElastic();
    private Supplier<List<WebExceptionHandler>> exceptionHandlers = List::of;

    private Builder(IapRequestPipeline pipeline) {
      this.pipeline = pipeline;
    }

    /**
     * Verifies the exchanges that may need a key fetch on this scheduler instead of {@link
     * Schedulers#boundedElastic()} (the others are verified on the calling thread). It must allow
     * blocking: a lookup that fetches keys waits up to the key source's request timeout.
     *
     * @param scheduler the scheduler, not null
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Hands errors of the exchanges this filter passes on to these handlers (the application's
     * {@code WebExceptionHandler}s, in order), with the exchange as the application saw it:
     * WebFlux itself gives its handlers the exchange as the server received it, whose request
     * still carries what a client forged into the legacy headers and no principal. Errors no
     * handler handles go on to WebFlux's own handling. Default: none, WebFlux handles every error.
     *
     * @param handlers supplies the handlers, not null; asked at each error, so that it can look
     *     them up lazily
     * @return this builder
     */
    public Builder exceptionHandlers(Supplier<List<WebExceptionHandler>> handlers) {
      this.exceptionHandlers = Objects.requireNonNull(handlers, "handlers");
      return this;
    }

    /**
     * Builds the filter.
     *
     * @return a filter, thread-safe
     */
    public IapWebFilter build() {
      return new IapWebFilter(this);
    }
  }
}
