package io.github.iapverifier.test;

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
 * <p>Needs {@code spring-test} (any Spring Boot 3.5 or 4.x test set-up has it). Contexts of test
 * classes with the same {@link #audience()} are cached and share one fake.
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
}
