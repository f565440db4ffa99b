package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapProblemResponse;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The WebFlux counterpart of the servlet {@code IapFilter}: lets an exchange through only if it
 * carries a valid IAP assertion (header {@value IapVerifier#HEADER}), with the same rules, statuses
 * and bodies.
 *
 * <p>On success the exchange passes on with the {@link IapIdentity} as the attribute {@link
 * #IDENTITY_ATTRIBUTE} (also {@link #identity(ServerWebExchange)}) and the unsigned legacy headers
 * {@code x-goog-authenticated-user-email} / {@code -id} rewritten from the verified identity. On
 * failure the chain is not called and the response is the {@link IapProblemResponse} of the
 * rejection: 401 with {@code WWW-Authenticate: IAP}, 403, or 503 with {@code Retry-After}.
 *
 * <p>Verification runs on a {@linkplain Builder#scheduler scheduler} (default {@link
 * Schedulers#boundedElastic()}), never on the calling thread: a verification is CPU-only once the
 * keys are loaded, but a lookup that has to fetch them (start-up, an unknown key id, keys that
 * expired while the app was idle) waits for the network, and nothing the filter can see tells in
 * advance which lookup will. The rest of the chain continues on that scheduler's thread.
 *
 * <p>The starter registers one for every reactive app; with Spring Security the chain's {@link
 * IapServerSecurityCustomizer} turns the identity this filter verified into the chain's {@code
 * Authentication}. Thread-safe: one instance serves all exchanges.
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
   * Marks an exchange this filter handled; an instance of a private class under a private key, so
   * that no other component can make a chain filter believe verification happened.
   */
  private static final String HANDLED_ATTRIBUTE = IapWebFilter.class.getName() + ".HANDLED";

  private static final class Handled {
    final IapIdentity identity;

    Handled(IapIdentity identity) {
      this.identity = identity;
    }
  }

  private final IapVerifier verifier;
  private final Scheduler scheduler;

  private IapWebFilter(Builder builder) {
    this.verifier = builder.verifier;
    this.scheduler = builder.scheduler;
  }

  /**
   * Starts configuring a filter.
   *
   * @param verifier the verifier, not null; the filter does not close it
   * @return a new builder, not thread-safe
   */
  public static Builder builder(IapVerifier verifier) {
    return new Builder(Objects.requireNonNull(verifier, "verifier"));
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
   * Tells whether an {@code IapWebFilter} handled this exchange, and with which identity.
   *
   * @return null if no filter handled it; else an optional identity (empty when exempt)
   */
  static Optional<IapIdentity> handled(ServerWebExchange exchange) {
    Object handled = exchange.getAttribute(HANDLED_ATTRIBUTE);
    return handled instanceof Handled ? Optional.ofNullable(((Handled) handled).identity) : null;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String assertion;
    try {
      assertion = assertion(exchange.getRequest().getHeaders());
    } catch (IapVerificationException e) {
      return reject(exchange, e);
    }
    if (assertion == null) {
      return reject(
          exchange,
          new IapVerificationException(
              Reason.MISSING,
              "no IAP assertion: the request carries no "
                  + IapVerifier.HEADER
                  + " header; requests must reach the app through IAP"));
    }
    return Mono.fromCallable(() -> verify(assertion))
        .subscribeOn(scheduler)
        .flatMap(
            outcome ->
                outcome instanceof IapIdentity
                    ? chain.filter(verified(exchange, (IapIdentity) outcome))
                    : reject(exchange, (IapVerificationException) outcome));
  }

  /** The identity, or the rejection as a value so that it is never confused with a chain error. */
  private Object verify(String assertion) {
    try {
      return verifier.verify(assertion);
    } catch (IapVerificationException e) {
      return e;
    }
  }

  private static ServerWebExchange verified(ServerWebExchange exchange, IapIdentity identity) {
    exchange.getAttributes().put(HANDLED_ATTRIBUTE, new Handled(identity));
    exchange.getAttributes().put(IDENTITY_ATTRIBUTE, identity);
    return exchange;
  }

  private static String assertion(HttpHeaders headers) {
    List<String> values = headers.get(IapVerifier.HEADER);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new IapVerificationException(
          Reason.MALFORMED,
          "the request carries more than one "
              + IapVerifier.HEADER
              + " header; IAP sends exactly one, so another was added on the way");
    }
    return values.get(0);
  }

  static Mono<Void> reject(ServerWebExchange exchange, IapVerificationException failure) {
    return write(exchange.getResponse(), IapProblemResponse.of(failure));
  }

  static Mono<Void> write(ServerHttpResponse response, IapProblemResponse problem) {
    if (response.isCommitted()) {
      return Mono.empty();
    }
    response.setStatusCode(HttpStatus.valueOf(problem.status()));
    HttpHeaders headers = response.getHeaders();
    problem.headers().forEach(headers::set);
    headers.setContentType(MediaType.parseMediaType(IapProblemResponse.CONTENT_TYPE));
    byte[] body = problem.body();
    headers.setContentLength(body.length);
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }

  @Override
  public String toString() {
    return "IapWebFilter[audiences=" + verifier.audiences() + "]";
  }

  /** Configures an {@link IapWebFilter}. Not thread-safe; the filter it builds is. */
  public static final class Builder {
    private final IapVerifier verifier;
    private Scheduler scheduler = Schedulers.boundedElastic();

    private Builder(IapVerifier verifier) {
      this.verifier = verifier;
    }

    /**
     * Runs verifications on this scheduler instead of {@link Schedulers#boundedElastic()}. It must
     * allow blocking: a lookup that fetches keys waits up to the key source's request timeout.
     *
     * @param scheduler the scheduler, not null
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
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
