package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.spring.reactive.plain.PlainReactiveApplication;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.web.IapRequestPipeline;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.WebFilter;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * No key fetch blocks a server thread: with BlockHound watching the threads that serve the
 * exchanges (Reactor Netty's event loops on Boot 4; Tomcat's workers on Boot 3.5, whose reactive
 * server is Tomcat when both are on the class path), many concurrent requests signed by a key the
 * app has not seen yet all wait for one forced key fetch, held open by the test, while the server
 * keeps serving other requests. Two controls show that the check can fail: a deliberate blocking
 * call on a serving thread is reported, and so is a cold verification on a non-blocking thread.
 */
// The cold-key control runs last: the thread it deliberately blocks may still be finishing after
// it returns.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReactiveNonBlockingTest {

  static final int REQUESTS = 24;

  /** Not handled by IAP: sleeps on the serving thread, the control of what a serving thread is. */
  static final String BLOCKING_CONTROL = "/blocking-control";

  static final List<String> blockingCalls = new CopyOnWriteArrayList<>();
  static final AtomicInteger arrived = new AtomicInteger();
  /** The server's threads that exchanges arrived on, before IAP's filter: whatever the server. */
  static final List<String> arrivalThreads = new CopyOnWriteArrayList<>();
  /**
   * Whether this thread is serving an exchange: running the work that subscribing to the exchange
   * does on the thread it arrived on, IAP's filter included.
   */
  static final ThreadLocal<Boolean> serving = ThreadLocal.withInitial(() -> false);

  static final List<String> appThreads = new CopyOnWriteArrayList<>();
  static final AtomicInteger keyFetches = new AtomicInteger();
  static volatile CountDownLatch gate = new CountDownLatch(0);

  static FakeIap iap;
  static HttpServer keys;
  static ConfigurableApplicationContext app;
  static WebClient client;

  @BeforeAll
  static void start() throws IOException {
    // With Reactor's integration (found by install(), which marks Reactor Netty's event loops and
    // Reactor's parallel threads non-blocking). Tomcat's workers are not non-blocking to
    // BlockHound (and park between requests), so a thread also counts while it serves an
    // exchange; dynamic, as that changes from call to call. Records instead of throwing, so that
    // the assertion reports every blocking call.
    BlockHound.install(
        builder ->
            builder
                .addDynamicThreadPredicate(thread -> true)
                .nonBlockingThreadPredicate(others -> others.or(thread -> serving.get()))
                .blockingMethodCallback(
                    method ->
                        blockingCalls.add(method + " on " + Thread.currentThread().getName())));
    iap = FakeIap.start();
    keys = gatedKeyEndpoint();
    app =
        new SpringApplicationBuilder(GatedApp.class)
            .web(WebApplicationType.REACTIVE)
            .resourceLoader(
                new DefaultResourceLoader(new FilteredClassLoader("org.springframework.security")))
            .properties(
                "server.port=0",
                "iap.audiences=" + iap.audience().value(),
                "iap.jwks-uri=http://127.0.0.1:" + keys.getAddress().getPort() + "/jwks",
                "iap.excluded-paths=/healthz",
                // Generous: the held fetch must outlast a busy machine, not time out.
                "iap.key-cache.request-timeout=60s")
            .run();
    client =
        WebClient.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"));
  }

  @AfterAll
  static void stop() {
    gate.countDown();
    app.close();
    keys.stop(0);
    iap.close();
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void requestsWhenNewKeyIdThenOneFetchInFlightAndServerThreadsNeverBlock() throws Exception {
    int fetchesAtStart = keyFetches.get();
    iap.rotateKeys(); // tokens now carry a kid the app has not seen: a forced fetch
    gate = new CountDownLatch(1);
    blockingCalls.clear();
    appThreads.clear();
    arrivalThreads.clear();
    arrived.set(0);

    List<Mono<HttpStatusCode>> requests =
        java.util.stream.IntStream.range(0, REQUESTS)
            .mapToObj(
                i ->
                    client
                        .get()
                        .uri("/whoami")
                        .header(IapVerifier.HEADER, iap.token().email("u" + i + "@example.com").build())
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode())))
            .toList();
    var results = Flux.merge(requests).collectList().toFuture();

    // Every request is inside the app and the one forced fetch is being held.
    await().atMost(Duration.ofSeconds(30)).until(() -> arrived.get() == REQUESTS);
    await().atMost(Duration.ofSeconds(30)).until(() -> keyFetches.get() == fetchesAtStart + 1);
    // The server's threads are free meanwhile: an exempt request is served at once.
    assertThat(
            client
                .get()
                .uri("/healthz")
                .retrieve()
                .bodyToMono(String.class)
                .block(Duration.ofSeconds(20)))
        .startsWith("ok");
    assertThat(results).isNotDone();

    gate.countDown();
    List<HttpStatusCode> statuses = results.get(60, TimeUnit.SECONDS);

    assertThat(statuses).hasSize(REQUESTS).allMatch(s -> s.value() == 200);
    assertThat(keyFetches.get()).isEqualTo(fetchesAtStart + 1);
    assertThat(blockingCallsOnServingThreads()).isEmpty();
    // Verified where waiting is allowed, not on a server thread.
    assertThat(appThreads).hasSize(REQUESTS).allMatch(t -> t.startsWith("boundedElastic-"));
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void requestWhenKeyHeldThenVerifiedOnArrivalThreadWithoutBlocking() {
    // The key is held since the test before (or fetched here, off the server's threads, if run alone).
    client
        .get()
        .uri("/whoami")
        .header(IapVerifier.HEADER, iap.token().build())
        .retrieve()
        .toBodilessEntity()
        .block(Duration.ofSeconds(30));
    gate = new CountDownLatch(0);
    blockingCalls.clear();
    appThreads.clear();
    arrivalThreads.clear();
    int fetches = keyFetches.get();

    // A never-seen assertion: a full check (signature and all), but the key is in memory.
    HttpStatusCode status =
        client
            .get()
            .uri("/whoami")
            .header(IapVerifier.HEADER, iap.token().email("warm@example.com").build())
            .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode()))
            .block(Duration.ofSeconds(30));

    assertThat(status.value()).isEqualTo(200);
    // On the server's own thread, the one the exchange arrived on: a Reactor Netty event loop
    // (Boot 4), a Tomcat worker (Boot 3.5 picks Tomcat's reactive server), never the hop's.
    assertThat(appThreads).hasSize(1).isEqualTo(arrivalThreads);
    assertThat(appThreads.get(0)).doesNotStartWith("boundedElastic-");
    assertThat(keyFetches.get()).isEqualTo(fetches);
    assertThat(blockingCallsOnServingThreads()).isEmpty();
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void requestWhenServingThreadBlocksThenReported() {
    // The control of the two above: the same check, on whatever server runs, sees a blocking call
    // made on the thread an exchange arrived on.
    blockingCalls.clear();
    arrivalThreads.clear();

    HttpStatusCode status =
        client
            .get()
            .uri(BLOCKING_CONTROL)
            .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode()))
            .block(Duration.ofSeconds(30));

    assertThat(status.value()).isEqualTo(204);
    assertThat(blockingCallsOnServingThreads()).anyMatch(call -> call.contains("sleep"));
  }

  @Test
  @org.junit.jupiter.api.Order(4)
  void verifyWhenRunOnNonBlockingThreadWithColdKeysThenBlockHoundCatchesIt() {
    // The control: a verifier with no keys yet, verifying on a Reactor non-blocking thread
    // instead of the bounded-elastic one, is reported; so the assertion above can fail.
    gate = new CountDownLatch(0);
    try (IapVerifier cold =
        IapVerifier.builder()
            .audiences(iap.audience())
            .jwksUri(URI.create("http://127.0.0.1:" + keys.getAddress().getPort() + "/jwks"))
            .build()) {
      IapWebFilter onParallel =
          IapWebFilter.builder(IapRequestPipeline.builder().build(cold))
              .scheduler(Schedulers.parallel())
              .build();
      MockServerWebExchange exchange =
          MockServerWebExchange.from(
              MockServerHttpRequest.get("/whoami")
                  .header(IapVerifier.HEADER, iap.token().build()));
      blockingCalls.clear();

      onParallel.filter(exchange, e -> Mono.empty()).block(Duration.ofSeconds(60));

      assertThat(exchange.getResponse().getStatusCode()).isNull(); // verified, passed on
      assertThat(blockingCalls).isNotEmpty();
    }
  }

  /**
   * The blocking calls BlockHound reported on the threads that served this test's exchanges. Only
   * those: BlockHound watches the whole JVM, and Reactor's shared parallel threads can still be
   * running work of test classes that ran earlier in this JVM (seen in full builds).
   */
  static List<String> blockingCallsOnServingThreads() {
    // Never vacuous: a check of no thread would pass whatever happened.
    assertThat(arrivalThreads).as("threads that served the exchanges").isNotEmpty();
    return blockingCalls.stream()
        .filter(call -> arrivalThreads.stream().anyMatch(t -> call.endsWith(" on " + t)))
        .toList();
  }

  /** Subscribes to the rest of the exchange's work with this thread marked as serving. */
  static Mono<Void> whileServing(Mono<Void> next) {
    return Mono.<Void>fromDirect(
        subscriber -> {
          boolean outer = serving.get();
          serving.set(true);
          try {
            next.subscribe(subscriber);
          } finally {
            serving.set(outer);
          }
        });
  }

  /** Serves the fake's keys; while the gate is closed, holds each fetch until it opens. */
  static HttpServer gatedKeyEndpoint() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/jwks",
        exchange -> {
          keyFetches.incrementAndGet();
          try {
            gate.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = iap.jwksJson().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }

  static void sleepBriefly() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @Import(PlainReactiveApplication.class)
  static class GatedApp {
    /**
     * Before IAP's filter: counts /whoami exchanges, so the test knows when all are waiting inside,
     * records the thread each exchange arrived on, and marks it as serving while the exchange's
     * work runs on it.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    WebFilter arrivals() {
      return (exchange, chain) -> {
        String path = exchange.getRequest().getPath().value();
        if (path.equals("/whoami")) {
          arrived.incrementAndGet();
        }
        arrivalThreads.add(Thread.currentThread().getName());
        if (path.equals(BLOCKING_CONTROL)) {
          exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
          return whileServing(
              Mono.<Void>fromRunnable(ReactiveNonBlockingTest::sleepBriefly)
                  .then(exchange.getResponse().setComplete()));
        }
        return whileServing(chain.filter(exchange));
      };
    }

    /** Runs after IAP's filter: records the thread the verified exchange continues on. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebFilter appThread() {
      return (exchange, chain) -> {
        if (exchange.getRequest().getPath().value().equals("/whoami")) {
          appThreads.add(Thread.currentThread().getName());
        }
        return chain.filter(exchange);
      };
    }
  }

}
