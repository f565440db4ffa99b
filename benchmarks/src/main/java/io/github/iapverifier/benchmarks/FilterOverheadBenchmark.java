package io.github.iapverifier.benchmarks;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.spring.IapWebFilter;
import io.github.iapverifier.web.IapRequestPipeline;
import jakarta.servlet.FilterChain;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.DefaultServerWebExchange;
import org.springframework.web.server.i18n.AcceptHeaderLocaleContextResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The per-request cost of each adapter around a verification, for a token the verifier has cached
 * (the steady state: IAP sends the same assertion with every request of a session), so that what
 * is measured is the adapter, not the signature check:
 *
 * <ul>
 *   <li>{@link #verifyOnly}: {@code IapVerifier.verify} alone, the floor;
 *   <li>{@link #servletBaseline} and {@link #reactiveBaseline}: the mock request (or exchange)
 *       passed straight to the chain, no filter: subtract them from the filters' times;
 *   <li>{@link #servletFilter}: the servlet {@code IapFilter} on a mock request (request wrapping,
 *       legacy headers, attributes) with a no-op chain;
 *   <li>{@link #reactiveFilterInline}: the reactive {@code IapWebFilter} verifying on the calling
 *       thread ({@code Schedulers.immediate()}) on a mock exchange (exchange mutation, legacy
 *       headers, attributes, principal);
 *   <li>{@link #reactiveFilterBoundedElastic}: the same with the default scheduler, so each request
 *       hops to Reactor's bounded-elastic pool and the caller waits for it: the price of never
 *       blocking an event loop on a key fetch, paid on every request.
 * </ul>
 *
 * <p>Each filter method also builds its mock request or exchange, as its baseline does; an exchange
 * is built as WebFlux builds one per request, with the application's shared codecs and session
 * manager. Run:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FilterOverheadBenchmark -t 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FilterOverheadBenchmark {

  String token;
  IapVerifier verifier;
  IapFilter servlet;
  IapWebFilter inline;
  IapWebFilter offloaded;
  final AtomicInteger passed = new AtomicInteger();
  FilterChain servletChain;
  WebFilterChain reactiveChain;
  // Shared by all exchanges, as in an application.
  final ServerCodecConfigurer codecs = ServerCodecConfigurer.create();
  final DefaultWebSessionManager sessions = new DefaultWebSessionManager();
  final AcceptHeaderLocaleContextResolver locales = new AcceptHeaderLocaleContextResolver();

  @Setup(Level.Trial)
  public void setUp() {
    Fixtures fx = Fixtures.create();
    token = fx.mint(7, 42);
    verifier = Peers.iapVerifier(fx, IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE);
    verifier.verify(token); // cached from now on
    servlet = new IapFilter(verifier);
    IapRequestPipeline pipeline = IapRequestPipeline.builder().build(verifier);
    inline = IapWebFilter.builder(pipeline).scheduler(Schedulers.immediate()).build();
    offloaded = IapWebFilter.of(pipeline);
    servletChain = (request, response) -> passed.incrementAndGet();
    reactiveChain =
        exchange -> {
          passed.incrementAndGet();
          return Mono.empty();
        };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    verifier.close();
  }

  @Benchmark
  public Object verifyOnly() {
    return verifier.verify(token);
  }

  @Benchmark
  public Object servletBaseline() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/hello");
    request.addHeader(IapVerifier.HEADER, token);
    MockHttpServletResponse response = new MockHttpServletResponse();
    servletChain.doFilter(request, response);
    return response;
  }

  @Benchmark
  public Object servletFilter() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/hello");
    request.addHeader(IapVerifier.HEADER, token);
    MockHttpServletResponse response = new MockHttpServletResponse();
    servlet.doFilter(request, response, servletChain);
    return response;
  }

  @Benchmark
  public Object reactiveBaseline() {
    ServerWebExchange exchange = exchange();
    reactiveChain.filter(exchange).block();
    return exchange;
  }

  @Benchmark
  public Object reactiveFilterInline() {
    return run(inline);
  }

  @Benchmark
  public Object reactiveFilterBoundedElastic() {
    return run(offloaded);
  }

  Object run(IapWebFilter filter) {
    ServerWebExchange exchange = exchange();
    filter.filter(exchange, reactiveChain).block();
    return exchange;
  }

  private ServerWebExchange exchange() {
    return new DefaultServerWebExchange(
        MockServerHttpRequest.get("/hello").header(IapVerifier.HEADER, token).build(),
        new MockServerHttpResponse(),
        sessions,
        codecs,
        locales);
  }
}
