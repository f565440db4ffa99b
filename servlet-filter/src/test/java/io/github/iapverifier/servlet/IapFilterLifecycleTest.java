package io.github.iapverifier.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IapFilterLifecycleTest {

  private static final FilterChain MUST_NOT_RUN =
      (request, response) -> {
        throw new AssertionError("the chain must not be called");
      };

  static FilterConfig config(Map<String, String> params) {
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "iap";
      }

      @Override
      public ServletContext getServletContext() {
        return null;
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }

  @Test
  void doFilterWhenNoArgFilterNotInitialisedThenRefusesEveryRequest() {
    IapFilter filter = new IapFilter();

    assertThatThrownBy(() -> filter.doFilter(null, null, MUST_NOT_RUN))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("not initialised");
  }

  @Test
  void doFilterWhenDestroyedAfterInitParamsThenRefusesEveryRequest() throws Exception {
    try (FakeIap iap = FakeIap.start()) {
      IapFilter filter = new IapFilter();
      filter.init(
          config(
              Map.of("audiences", iap.audience().value(), "jwks-uri", iap.jwksUri().toString())));
      assertThat(filter.toString()).contains(iap.audience().value());

      filter.destroy();

      assertThatThrownBy(() -> filter.doFilter(null, null, MUST_NOT_RUN))
          .isInstanceOf(ServletException.class)
          .hasMessageContaining("not initialised (or was destroyed)");
    }
  }

  @Test
  void initWhenConfiguredInCodeAndInitParamsGivenThenRefusesToStart() {
    try (FakeIap iap = FakeIap.start();
        IapVerifier verifier = iap.verifierBuilder().build()) {
      IapFilter filter = new IapFilter(verifier);

      assertThatThrownBy(() -> filter.init(config(Map.of("excluded-paths", "/healthz"))))
          .isInstanceOf(ServletException.class)
          .hasMessageContaining("IapFilter 'iap' was configured in code")
          .hasMessageContaining("[excluded-paths]");
    }
  }

  @Test
  void initWhenBadInitParamThenServletExceptionNamesFilterAndParam() {
    IapFilter filter = new IapFilter();

    assertThatThrownBy(
            () ->
                filter.init(
                    config(Map.of("audiences", "/projects/1/apps/my-app", "clock-skew", "soon"))))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith("IapFilter 'iap': init-param 'clock-skew': 'soon' is neither");
  }

  @Test
  void destroyWhenVerifierPassedInThenLeavesItWorking() throws Exception {
    try (FakeIap iap = FakeIap.start();
        IapVerifier verifier = iap.verifierBuilder().tokenCacheSize(0).build()) {
      IapFilter filter = new IapFilter(verifier);
      filter.init(config(Map.of()));

      filter.destroy();

      // Still the application's to use (and close): a fresh verification works.
      assertThat(verifier.verify(iap.token().build()).email()).isEqualTo("user@example.com");
      assertThat(filter.toString()).doesNotContain("not initialised");
    }
  }

  @Test
  void builderWhenExcludedPathInvalidThenFailsAtOnce() {
    try (FakeIap iap = FakeIap.start();
        IapVerifier verifier = iap.verifierBuilder().build()) {
      IapFilter.Builder builder = IapFilter.builder(verifier);

      assertThatThrownBy(() -> builder.excludedPaths("/**"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("whole application");
    }
  }
}
