package io.github.iapverifier.test;

import io.github.iapverifier.IapVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * A MockMvc request post-processor that adds a real assertion, signed by a {@link FakeIap}, in the
 * {@code x-goog-iap-jwt-assertion} header: the app under test verifies it exactly as in production
 * (signature, audience, times, policy), only against the fake's keys.
 *
 * <pre>{@code
 * mvc.perform(get("/hello").with(iap().email("ana@example.com").hostedDomain("example.com")));
 * }</pre>
 *
 * <p>{@link #iap()} uses the fake of the test's application context ({@link AutoConfigureFakeIap});
 * {@link #iap(FakeIap)} a given one. Each request gets a freshly minted token. Not thread-safe;
 * configure one per request.
 */
public final class IapRequestPostProcessor implements RequestPostProcessor {

  private final FakeIap fake;
  private final List<Consumer<TokenBuilder>> settings = new ArrayList<>();

  private IapRequestPostProcessor(FakeIap fake) {
    this.fake = fake;
  }

  /**
   * A token from the {@link FakeIap} bean of the test's application context, as registered by
   * {@link AutoConfigureFakeIap}; IAP-like defaults ({@code user@example.com}, hosted domain {@code
   * example.com}).
   *
   * @return a new post-processor
   */
  public static IapRequestPostProcessor iap() {
    return new IapRequestPostProcessor(null);
  }

  /**
   * A token from this fake.
   *
   * @param fake the fake whose keys the app under test trusts, not null
   * @return a new post-processor
   */
  public static IapRequestPostProcessor iap(FakeIap fake) {
    return new IapRequestPostProcessor(Objects.requireNonNull(fake, "fake"));
  }

  /**
   * Sets the user's email.
   *
   * @param email the address, not null
   * @return this post-processor
   */
  public IapRequestPostProcessor email(String email) {
    Objects.requireNonNull(email, "email");
    return token(t -> t.email(email));
  }

  /**
   * Sets the Workspace domain ({@code hd}); null for a consumer account.
   *
   * @param hostedDomain the domain, or null
   * @return this post-processor
   */
  public IapRequestPostProcessor hostedDomain(String hostedDomain) {
    return token(t -> t.hostedDomain(hostedDomain));
  }

  /**
   * Sets the satisfied access levels.
   *
   * @param accessLevels full names {@code accessPolicies/N/accessLevels/NAME}, not null
   * @return this post-processor
   */
  public IapRequestPostProcessor accessLevels(String... accessLevels) {
    Objects.requireNonNull(accessLevels, "accessLevels");
    String[] copy = accessLevels.clone();
    return token(t -> t.accessLevels(copy));
  }

  /**
   * Applies any other {@link TokenBuilder} setting (Identity Platform users, expired tokens, a
   * foreign audience, ...).
   *
   * @param customizer called with the token builder before signing, not null
   * @return this post-processor
   */
  public IapRequestPostProcessor token(Consumer<TokenBuilder> customizer) {
    settings.add(Objects.requireNonNull(customizer, "customizer"));
    return this;
  }

  @Override
  public MockHttpServletRequest postProcessRequest(MockHttpServletRequest request) {
    TokenBuilder token = fake(request).token();
    settings.forEach(s -> s.accept(token));
    request.addHeader(IapVerifier.HEADER, token.build());
    return request;
  }

  private FakeIap fake(MockHttpServletRequest request) {
    if (fake != null) {
      return fake;
    }
    WebApplicationContext context =
        WebApplicationContextUtils.getWebApplicationContext(request.getServletContext());
    FakeIap found = context == null ? null : context.getBeanProvider(FakeIap.class).getIfUnique();
    if (found == null) {
      throw new IllegalStateException(
          "iap() found no FakeIap in the test's application context: annotate the test class"
              + " with @AutoConfigureFakeIap, or pass the fake the app trusts: iap(fakeIap)");
    }
    return found;
  }
}
