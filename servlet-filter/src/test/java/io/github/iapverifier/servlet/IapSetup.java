package io.github.iapverifier.servlet;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapVerifier;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.net.URI;
import java.util.EnumSet;

/**
 * The code form of the servlet quick-start in {@code servlet-filter/README.md}: the tagged
 * lines are the README's, as {@link QuickstartTest} checks, and that test runs this listener.
 */
// tag::servlet-quickstart[]
@WebListener
public class IapSetup implements ServletContextListener {
  // end::servlet-quickstart[]
  static URI jwksUri;
  static IapVerifier last;
  // tag::servlet-quickstart[]

  private IapVerifier verifier;

  @Override
  public void contextInitialized(ServletContextEvent event) {
    verifier = IapVerifier.builder()
        .audiences(IapAudience.cloudRun(123456789012L, "europe-west1", "billing"))
        // end::servlet-quickstart[]
        .jwksUri(jwksUri) // test only: the fake IAP's keys instead of Google's
        // tag::servlet-quickstart[]
        .build();
    FilterRegistration.Dynamic iap = event.getServletContext()
        .addFilter("iap", IapFilter.builder(verifier).excludedPaths("/healthz").build());
    iap.setAsyncSupported(true);
    iap.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    // end::servlet-quickstart[]
    last = verifier;
    // tag::servlet-quickstart[]
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    verifier.close();
  }
}
// end::servlet-quickstart[]
