package io.github.iapverifier.test;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Implements {@link AutoConfigureFakeIap}; registered in {@code META-INF/spring.factories}, so
 * Spring's test framework consults it for every test class and it acts only on annotated ones.
 */
final class FakeIapContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    AutoConfigureFakeIap annotation =
        TestContextAnnotationUtils.findMergedAnnotation(testClass, AutoConfigureFakeIap.class);
    return annotation == null ? null : new Customizer(annotation.audience());
  }

  /** Equal for equal audiences, so that the test framework caches and shares the context. */
  static final class Customizer implements ContextCustomizer {

    static final String BEAN_NAME = "fakeIap";

    private final String audience;

    Customizer(String audience) {
      this.audience = audience;
    }

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration configuration) {
      FakeIap fake = FakeIap.builder().audience(audience).start();
      context.getBeanFactory().registerSingleton(BEAN_NAME, fake);
      context.addApplicationListener(new CloseWithContext(fake, context));
      context
          .getEnvironment()
          .getPropertySources()
          .addFirst(
              new MapPropertySource(
                  BEAN_NAME,
                  Map.of(
                      "iap.jwks-uri", fake.jwksUri().toString(),
                      "iap.audiences", fake.audience().value())));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer && ((Customizer) other).audience.equals(audience);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Customizer.class, audience);
    }
  }

  /** Stops the fake when its own context closes (not a child's or a parent's). */
  private static final class CloseWithContext implements ApplicationListener<ApplicationEvent> {
    private final FakeIap fake;
    private final ConfigurableApplicationContext context;

    CloseWithContext(FakeIap fake, ConfigurableApplicationContext context) {
      this.fake = fake;
      this.context = context;
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
      if (event instanceof ContextClosedEvent
          && ((ContextClosedEvent) event).getApplicationContext() == context) {
        fake.close();
      }
    }
  }
}
