package io.github.iapverifier.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapIdentity;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Proves that {@link FilterOverheadBenchmark} times requests that pass verification: each filter
 * calls its chain (a rejection would not) and leaves the response untouched.
 */
class FilterOverheadBenchmarkTest {

  final FilterOverheadBenchmark benchmark = new FilterOverheadBenchmark();

  @BeforeEach
  void setUp() {
    benchmark.setUp();
  }

  @AfterEach
  void tearDown() {
    benchmark.tearDown();
  }

  @Test
  void verifyOnlyWhenCachedTokenThenIdentity() {
    assertThat(((IapIdentity) benchmark.verifyOnly()).email()).isNotBlank();
  }

  @Test
  void servletBaselineWhenCalledThenChainCalled() throws Exception {
    benchmark.servletBaseline();

    assertThat(benchmark.passed.get()).isEqualTo(1);
  }

  @Test
  void servletFilterWhenCachedTokenThenChainCalled() throws Exception {
    MockHttpServletResponse response = (MockHttpServletResponse) benchmark.servletFilter();

    assertThat(benchmark.passed.get()).isEqualTo(1);
    assertThat(response.getStatus()).isEqualTo(200);
  }

  @Test
  void reactiveFiltersWhenCachedTokenThenChainCalled() {
    assertPasses(benchmark::reactiveFilterInline);
    assertPasses(benchmark::reactiveFilterBoundedElastic);
    assertPasses(benchmark::reactiveBaseline);
    assertThat(benchmark.passed.get()).isEqualTo(3);
  }

  private static void assertPasses(Supplier<Object> call) {
    ServerWebExchange exchange = (ServerWebExchange) call.get();
    assertThat(exchange.getResponse().getStatusCode()).isNull();
  }
}
