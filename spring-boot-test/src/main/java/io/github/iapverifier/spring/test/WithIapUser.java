package io.github.iapverifier.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;
import org.springframework.security.test.context.support.TestExecutionEvent;
import org.springframework.security.test.context.support.WithSecurityContext;

/**
 * Runs a test as an IAP-authenticated user, without HTTP and without a token: the security context
 * holds the {@link io.github.iapverifier.spring.IapAuthenticationToken} a verified request would
 * produce, its principal an {@link io.github.iapverifier.IapIdentity} and its authorities mapped by
 * the application context's {@link io.github.iapverifier.spring.IapAuthoritiesMapper} (so {@code
 * iap.authorities} grants apply). For method security and MockMvc controller tests; to test
 * verification itself, send real tokens ({@code IapRequestPostProcessor.iap()} of {@code
 * iap-verifier-test}).
 *
 * <pre>{@code
 * @Test
 * @WithIapUser(email = "alice@example.com", accessLevels = "accessPolicies/1/accessLevels/corp")
 * void adminReport() { ... }
 * }</pre>
 *
 * <p>Needs {@code spring-security-test} on the test class path.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@WithSecurityContext(factory = WithIapUserSecurityContextFactory.class)
public @interface WithIapUser {

  /**
   * The user's email; alias of {@link #email()}.
   *
   * @return the email
   */
  @AliasFor("email")
  String value() default "user@example.com";

  /**
   * The user's email.
   *
   * @return the email
   */
  @AliasFor("value")
  String email() default "user@example.com";

  /**
   * The Google Workspace domain ({@code hd}); empty for a consumer account.
   *
   * @return the domain or empty
   */
  String hostedDomain() default "example.com";

  /**
   * The satisfied access levels.
   *
   * @return full names {@code accessPolicies/N/accessLevels/NAME}
   */
  String[] accessLevels() default {};

  /**
   * The subject; empty derives {@code accounts.google.com:DIGITS} from the email, as {@code
   * FakeIap} does.
   *
   * @return the {@code sub} claim or empty
   */
  String subject() default "";

  /**
   * When the security context is set up; as Spring Security's {@code @WithMockUser}.
   *
   * @return the event
   */
  @AliasFor(annotation = WithSecurityContext.class)
  TestExecutionEvent setupBefore() default TestExecutionEvent.TEST_METHOD;
}
