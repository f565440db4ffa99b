package io.github.iapverifier.test;

import io.github.iapverifier.IapVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.reactive.server.WebTestClientConfigurer;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * The {@link WebTestClient} counterpart of {@link IapRequestPostProcessor}: every request of the
 * mutated client carries a real assertion, freshly signed by a {@link FakeIap}, in the {@code
 * x-goog-iap-jwt-assertion} header. The reactive app under test verifies it exactly as in production
 * (signature, audience, times, policy), only against the fake's keys.
 *
 * <pre>{@code
 * client.mutateWith(iap().email("ana@example.com").hostedDomain("example.com"))
 *     .get().uri("/hello").exchange()
 *     .expectStatus().isOk();
 * }</pre>
 *
 * <p>Works with clients bound to a running server ({@code @SpringBootTest(webEnvironment =
 * RANDOM_PORT)}) and to an application context ({@code @WebFluxTest}, {@code
 * bindToApplicationContext}). {@link #iap()} uses the fake of the running test method's application
 * context ({@link AutoConfigureFakeIap}), looked up when the configurer is applied, so apply it in
 * a test method or a {@code @BeforeEach} method; {@link #iap(FakeIap)} uses a given one anywhere.
 * Not thread-safe while being configured; the client it configures is.
 */
public final class IapWebTestClientConfigurer implements WebTestClientConfigurer {

  private final FakeIap fake;
  private final List<Consumer<TokenBuilder>> settings = new ArrayList<>();

  private IapWebTestClientConfigurer(FakeIap fake) {
    this.fake = fake;
  }

  /**
   * Tokens from the {@link FakeIap} of the current test's application context, as registered by
   * {@link AutoConfigureFakeIap}; IAP-like defaults ({@code user@example.com}, hosted domain {@code
   * example.com}).
   *
   * @return a new configurer
   */
  public static IapWebTestClientConfigurer iap() {
    return new IapWebTestClientConfigurer(null);
  }

  /**
   * Tokens from this fake.
   *
   * @param fake the fake whose keys the app under test trusts, not null
   * @return a new configurer
   */
  public static IapWebTestClientConfigurer iap(FakeIap fake) {
    return new IapWebTestClientConfigurer(Objects.requireNonNull(fake, "fake"));
  }

  /**
   * Sets the user's email.
   *
   * @param email the address, not null
   * @return this configurer
   */
  public IapWebTestClientConfigurer email(String email) {
    Objects.requireNonNull(email, "email");
    return token(t -> t.email(email));
  }

  /**
   * Sets the Workspace domain ({@code hd}); null for a consumer account.
   *
   * @param hostedDomain the domain, or null
   * @return this configurer
   */
  public IapWebTestClientConfigurer hostedDomain(String hostedDomain) {
    return token(t -> t.hostedDomain(hostedDomain));
  }

  /**
   * Sets the satisfied access levels.
   *
   * @param accessLevels full names {@code accessPolicies/N/accessLevels/NAME}, not null
   * @return this configurer
   */
  public IapWebTestClientConfigurer accessLevels(String... accessLevels) {
    Objects.requireNonNull(accessLevels, "accessLevels");
    String[] copy = accessLevels.clone();
    return token(t -> t.accessLevels(copy));
  }

  /**
   * Applies any other {@link TokenBuilder} setting (Identity Platform users, expired tokens, a
   * foreign audience, ...).
   *
   * @param customizer called with the token builder before each token is signed, not null
   * @return this configurer
   */
  public IapWebTestClientConfigurer token(Consumer<TokenBuilder> customizer) {
    settings.add(Objects.requireNonNull(customizer, "customizer"));
    return this;
  }

  @Override
  public void afterConfigurerAdded(
      WebTestClient.Builder builder,
      WebHttpHandlerBuilder httpHandlerBuilder,
      ClientHttpConnector connector) {
    FakeIap source = fake != null ? fake : FakeIapTestExecutionListener.current();
    if (source == null) {
      throw new IllegalStateException(
          "iap() found no FakeIap for the running test: annotate the test class with"
              + " @AutoConfigureFakeIap and apply iap() in a test or @BeforeEach method, or pass"
              + " the fake the app trusts: iap(fakeIap)");
    }
    List<Consumer<TokenBuilder>> snapshot = List.copyOf(settings);
    builder.filter(
        (request, next) -> {
          TokenBuilder token = source.token();
          snapshot.forEach(s -> s.accept(token));
          String assertion = token.build();
          return next.exchange(
              ClientRequest.from(request)
                  .headers(h -> h.set(IapVerifier.HEADER, assertion))
                  .build());
        });
  }
}
