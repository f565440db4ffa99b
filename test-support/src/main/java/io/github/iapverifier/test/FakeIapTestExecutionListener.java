package io.github.iapverifier.test;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Makes the {@link FakeIap} of an {@link AutoConfigureFakeIap} test's context known to {@link
 * IapWebTestClientConfigurer#iap()} on the test thread while a test method runs (a {@code
 * WebTestClient}, unlike MockMvc, has no handle on the application context). Registered in {@code
 * META-INF/spring.factories}; acts only on annotated test classes.
 */
final class FakeIapTestExecutionListener extends AbstractTestExecutionListener {

  private static final ThreadLocal<FakeIap> CURRENT = new ThreadLocal<>();

  /** The fake of the test method running on this thread, or null. */
  static FakeIap current() {
    return CURRENT.get();
  }

  @Override
  public int getOrder() {
    // After dependency injection (2000), before @BeforeEach methods run.
    return 2100;
  }

  @Override
  public void beforeTestMethod(TestContext testContext) {
    if (TestContextAnnotationUtils.findMergedAnnotation(
            testContext.getTestClass(), AutoConfigureFakeIap.class)
        != null) {
      CURRENT.set(
          testContext.getApplicationContext().getBeanProvider(FakeIap.class).getIfUnique());
    }
  }

  @Override
  public void afterTestMethod(TestContext testContext) {
    CURRENT.remove();
  }
}
