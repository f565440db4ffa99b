package io.github.iapverifier.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension that starts one {@link FakeIap} per test class, injects it into test
 * and lifecycle methods that declare a {@code FakeIap} parameter, and stops it after the class.
 *
 * <pre>{@code
 * @ExtendWith(FakeIapExtension.class)
 * class BillingTest {
 *   @Test
 *   void showsInvoices(FakeIap iap) {
 *     String assertion = iap.token().email("ana@example.com").build();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Stateless; the fake lives in the class's extension store, so parallel test classes each get
 * their own.
 */
public final class FakeIapExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeIapExtension.class);

  /** Creates the extension; JUnit calls this. */
  public FakeIapExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put(FakeIap.class, FakeIap.start());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    FakeIap iap = context.getStore(NAMESPACE).remove(FakeIap.class, FakeIap.class);
    if (iap != null) {
      iap.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FakeIap.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    FakeIap iap = context.getStore(NAMESPACE).get(FakeIap.class, FakeIap.class);
    if (iap == null) {
      throw new org.junit.jupiter.api.extension.ParameterResolutionException(
          "no FakeIap for this test: register FakeIapExtension on the test class");
    }
    return iap;
  }
}
