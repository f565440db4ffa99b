package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.servlet.IapServletPipeline;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.web.IapLegacyHeaders;
import io.github.iapverifier.web.IapRequestPipeline;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * The Spring Security filter on its own (finding 3 of issue 12: the context was never saved, so
 * async and error dispatches ran anonymous; finding 2: the request reached the app unwrapped).
 */
class IapAuthenticationFilterTest {

  static FakeIap iap;
  static IapVerifier verifier;

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
    verifier = iap.verifierBuilder().build();
  }

  @AfterAll
  static void stop() {
    verifier.close();
    iap.close();
  }

  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();
  private final RequestAttributeSecurityContextRepository repository =
      new RequestAttributeSecurityContextRepository();
  private final IapAuthenticationFilter filter =
      new IapAuthenticationFilter(
          new IapServletPipeline(IapRequestPipeline.builder().build(verifier)),
          IapAuthoritiesMapper.standard(Map.of()),
          contexts,
          repository);

  @AfterEach
  void clear() {
    contexts.clearContext();
  }

  @Test
  void doFilterWhenVerifiedThenContextSavedForLaterDispatchesAndRequestWrapped() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/hello");
    request.addHeader(IapVerifier.HEADER, iap.token().email("ana@example.com").build());
    request.addHeader(IapLegacyHeaders.EMAIL, "accounts.google.com:boss@example.com");
    List<HttpServletRequest> seen = new ArrayList<>();

    filter.doFilter(
        request, new MockHttpServletResponse(), (r, s) -> seen.add((HttpServletRequest) r));

    Authentication saved = repository.loadDeferredContext(request).get().getAuthentication();
    assertThat(saved).isInstanceOf(IapAuthenticationToken.class);
    assertThat(saved.getName()).isEqualTo("ana@example.com");
    assertThat(seen)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getHeader(IapLegacyHeaders.EMAIL))
                  .isEqualTo("accounts.google.com:ana@example.com");
              assertThat(IapFilter.identity(r))
                  .hasValueSatisfying(i -> assertThat(i.email()).isEqualTo("ana@example.com"));
            });
  }

  @Test
  void doFilterWhenErrorDispatchOfVerifiedRequestThenAuthenticatedAndWrappedAgain()
      throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/boom");
    request.addHeader(IapVerifier.HEADER, iap.token().email("ana@example.com").build());
    request.addHeader(IapLegacyHeaders.EMAIL, "accounts.google.com:boss@example.com");
    filter.doFilter(request, new MockHttpServletResponse(), (r, s) -> {});
    contexts.clearContext(); // the request dispatch is over

    request.setDispatcherType(DispatcherType.ERROR);
    List<HttpServletRequest> seen = new ArrayList<>();
    filter.doFilter(
        request, new MockHttpServletResponse(), (r, s) -> seen.add((HttpServletRequest) r));

    assertThat(contexts.getContext().getAuthentication().getName()).isEqualTo("ana@example.com");
    assertThat(seen)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getHeader(IapLegacyHeaders.EMAIL))
                    .isEqualTo("accounts.google.com:ana@example.com"));
  }

  @Test
  void doFilterWhenNoAssertionThenAnonymousAndForgedLegacyHeaderHidden() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/public");
    request.addHeader(IapLegacyHeaders.EMAIL, "accounts.google.com:boss@example.com");
    List<HttpServletRequest> seen = new ArrayList<>();

    filter.doFilter(
        request, new MockHttpServletResponse(), (r, s) -> seen.add((HttpServletRequest) r));

    assertThat(contexts.getContext().getAuthentication()).isNull();
    assertThat(repository.containsContext(request)).isFalse();
    assertThat(seen)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getHeader(IapLegacyHeaders.EMAIL)).isNull();
              assertThat(r.getUserPrincipal()).isNull();
            });
  }

  @Test
  void doFilterWhenInvalidAssertionThenAnsweredAndChainNotCalled() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/public");
    request.addHeader(IapVerifier.HEADER, iap.token(FakeIap.SecureTokenTest.SIGNATURE));
    MockHttpServletResponse response = new MockHttpServletResponse();
    List<Object> seen = new ArrayList<>();

    filter.doFilter(request, response, (r, s) -> seen.add(r));

    assertThat(seen).isEmpty();
    assertThat(response.getStatus()).isEqualTo(401);
    assertThat(response.getContentAsString()).endsWith("\"reason\":\"BAD_SIGNATURE\"}");
    assertThat(repository.containsContext(request)).isFalse();
  }
}
