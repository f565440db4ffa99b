package io.github.iapverifier.test;

import io.github.iapverifier.IapProxy;
import java.util.LinkedHashMap;
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
    return annotation == null ? null : new Customizer(annotation.proxy(), annotation.audience());
  }

  /** Equal for equal settings, so that the test framework caches and shares the context. */
  static final class Customizer implements ContextCustomizer {

    static final String BEAN_NAME = "fakeIap";

    private final IapProxy proxy;
    private final String audience;

    Customizer(IapProxy proxy, String audience) {
      this.proxy = proxy;
      this.audience = proxy == IapProxy.GOOGLE_IAP ? audience : "";
    }

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration configuration) {
      Map<String, Object> properties = new LinkedHashMap<>();
      FakeProxy fake =
          switch (proxy) {
            case GOOGLE_IAP -> {
              FakeIap iap = FakeIap.builder().audience(audience).start();
              properties.put("iap.jwks-uri", iap.jwksUri().toString());
              properties.put("iap.audiences", iap.audience().value());
              yield iap;
            }
            case CLOUDFLARE_ACCESS -> {
              FakeCloudflareAccess access = FakeCloudflareAccess.start();
              properties.put("iap.cloudflare-access.team-domain", access.teamDomain());
              properties.put("iap.cloudflare-access.audiences", access.audience());
              properties.put("iap.cloudflare-access.jwks-uri", access.jwksUri().toString());
              yield access;
            }
            case AWS_ALB -> {
              FakeAwsAlb alb = FakeAwsAlb.start();
              properties.put("iap.aws-alb.region", alb.region());
              properties.put("iap.aws-alb.signers", alb.signer());
              properties.put("iap.aws-alb.client-ids", alb.clientId());
              properties.put("iap.aws-alb.key-endpoint", alb.keyEndpoint().toString());
              yield alb;
            }
            case POMERIUM -> {
              FakePomerium pomerium = FakePomerium.start();
              properties.put("iap.pomerium.route-host", pomerium.routeHost());
              properties.put("iap.pomerium.algorithm", pomerium.algorithm());
              properties.put("iap.pomerium.jwks-uri", pomerium.jwksUri().toString());
              yield pomerium;
            }
          };
      if (proxy != IapProxy.GOOGLE_IAP) {
        properties.put("iap.proxy", proxy.configName());
      }
      context.getBeanFactory().registerSingleton(BEAN_NAME, fake);
      context.addApplicationListener(new CloseWithContext(fake, context));
      context
          .getEnvironment()
          .getPropertySources()
          .addFirst(new MapPropertySource(BEAN_NAME, properties));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer c && c.proxy == proxy && c.audience.equals(audience);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Customizer.class, proxy, audience);
    }
  }

  /** Stops the fake when its own context closes (not a child's or a parent's). */
  private static final class CloseWithContext implements ApplicationListener<ApplicationEvent> {
    private final FakeProxy fake;
    private final ConfigurableApplicationContext context;

    CloseWithContext(FakeProxy fake, ConfigurableApplicationContext context) {
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
