package io.github.iapverifier.parity.servlet;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The plain {@code IapFilter} in Jetty 12 (ee10), mapped to every dispatcher type. */
class JettyFilterParityTest extends ParitySuite {

  @Override
  protected AdapterConfiguration configuration() {
    return settings -> {
      IapVerifier[] verifier = new IapVerifier[1];
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      FilterHolder filter = new FilterHolder(ParityServlets.filter(settings, verifier));
      filter.setAsyncSupported(true);
      context.addFilter(filter, "/*", EnumSet.allOf(DispatcherType.class));
      ParityServlets.servlets()
          .forEach(
              (mapping, servlet) -> {
                ServletHolder holder = new ServletHolder(servlet);
                holder.setAsyncSupported(true);
                context.addServlet(holder, mapping);
              });
      ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
      errors.addErrorPage(Throwable.class, "/error");
      errors.addErrorPage(400, 599, "/error");
      context.setErrorHandler(errors);

      Server server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      server.setHandler(context);
      server.start();
      URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
      return AdapterConfiguration.RunningApp.of(
          base,
          () -> {
            server.stop();
            verifier[0].close();
          });
    };
  }
}
