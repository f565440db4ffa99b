package io.github.iapverifier.test;

import io.github.iapverifier.IapProxy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points a Spring test's application context at a {@link FakeIap}: the fake is started with the
 * context, registered as a bean (inject it to mint tokens), stopped when the context closes, and
 * the properties {@code iap.jwks-uri} and {@code iap.audiences} are set to its JWKS endpoint and
 * audience, above every other property source. {@link IapRequestPostProcessor#iap()} finds it.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureFakeIap
 * class HelloTest {
 *   @Autowired FakeIap iap;                 // to mint tokens by hand
 *   @Autowired WebApplicationContext context;
 *
 *   @Test
 *   void hello() throws Exception {
 *     MockMvc mvc = webAppContextSetup(context).apply(springSecurity()).build();
 *     mvc.perform(get("/hello").with(iap().email("ana@example.com")))
 *         .andExpect(content().string("Hello ana@example.com"));
 *   }
 * }
 * }</pre>
 *
 * <p>With {@link #proxy()} another identity-aware proxy is faked instead: the context gets a {@link
 * FakeCloudflareAccess}, {@link FakeAwsAlb} or {@link FakePomerium} bean and the properties {@code
 * iap.proxy} and {@code iap.cloudflare-access.*}, {@code iap.aws-alb.*} or {@code iap.pomerium.*}
 * that point the app at it (the fake's defaults; {@link #audience()} is then not used). Mint tokens
 * with the injected fake and send them in {@link io.github.iapverifier.IapProxy#header()}; {@link
 * IapRequestPostProcessor#iap()} and {@link IapWebTestClientConfigurer#iap()} mint Google IAP
 * assertions only.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureFakeIap(proxy = IapProxy.CLOUDFLARE_ACCESS)
 * class HelloBehindCloudflareTest {
 *   @Autowired FakeCloudflareAccess access;
 *   ...
 *     mvc.perform(get("/hello").header(IapProxy.CLOUDFLARE_ACCESS.header(),
 *         access.token().email("ana@example.com").build()))
 * }
 * }</pre>
 *
 * <p>Needs {@code spring-test} (any Spring Boot 3.5 or 4.x test set-up has it). Contexts of test
 * classes with the same {@link #proxy()} and {@link #audience()} are cached and share one fake.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureFakeIap {

  /**
   * The audience the fake mints tokens for and the app is configured to accept.
   *
   * @return an IAP audience string
   */
  String audience() default FakeIap.DEFAULT_AUDIENCE;

  /**
   * The proxy to fake. Default Google IAP.
   *
   * @return the proxy
   */
  IapProxy proxy() default IapProxy.GOOGLE_IAP;
}
