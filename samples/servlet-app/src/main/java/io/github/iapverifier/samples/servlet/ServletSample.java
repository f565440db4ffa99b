package io.github.iapverifier.samples.servlet;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapFilter;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A plain servlet app (embedded Jetty 12, no Spring) that trusts only identities IAP signed.
 *
 * <ul>
 *   <li>{@code /} shows the verified identity: email, Workspace domain, access levels, expiry;
 *   <li>{@code /admin} is for the emails listed in {@code ADMIN_EMAILS}, 403 for everyone else;
 *   <li>{@code /healthz} answers without an assertion, as load balancer health checks need.
 * </ul>
 *
 * <p>Settings, each from a system property or else an environment variable:
 *
 * <pre>
 * iap.audiences  IAP_AUDIENCES  required: the audience(s) the IAP console shows, comma-separated
 * iap.jwks-uri   IAP_JWKS_URI   where IAP's keys are; default Google's (the emulator prints its own)
 * port           PORT           default 8081 (Cloud Run sets PORT)
 * admin.emails   ADMIN_EMAILS   who may open /admin, comma-separated; default nobody
 * </pre>
 *
 * <p>Behind the local emulator: {@code IAP_AUDIENCES=/projects/1/apps/local-dev
 * IAP_JWKS_URI=http://127.0.0.1:8080/iap/verify/public_key-jwk java -jar servlet-sample.jar}.
 */
public final class ServletSample implements AutoCloseable {

  private final Server server;
  private final IapVerifier verifier;

  private ServletSample(Server server, IapVerifier verifier) {
    this.server = server;
    this.verifier = verifier;
  }

  /**
   * Reads the settings, starts the app and serves until the JVM stops.
   *
   * @param args none
   * @throws Exception if Jetty cannot start
   */
  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.read(System::getProperty, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("servlet-sample: " + e.getMessage());
      System.exit(2);
      return;
    }
    ServletSample app = start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close));
    System.out.println(
        "Servlet sample listening on port " + app.port() + "; admins: " + settings.admins());
    app.server.join();
  }

  /**
   * Starts the app.
   *
   * @param settings what to verify against, where to listen, who is an admin
   * @return the running app; close it to stop
   * @throws IllegalStateException if Jetty cannot start (port taken)
   */
  public static ServletSample start(Settings settings) {
    IapVerifier.Builder builder = IapVerifier.builder().audiences(settings.audiences());
    settings.jwksUri().ifPresent(builder::jwksUri);
    // One verifier for the whole app: it holds the key cache and the verified-token cache.
    IapVerifier verifier = builder.build();

    ServletContextHandler context = new ServletContextHandler();
    FilterHolder iap =
        new FilterHolder(IapFilter.builder(verifier).excludedPaths("/healthz").build());
    iap.setAsyncSupported(true);
    // Every path: a request reaches a servlet only with a valid assertion (or on /healthz).
    context.addFilter(iap, "/*", EnumSet.allOf(DispatcherType.class));
    context.addServlet(new ServletHolder(new Pages.Identity()), "");
    context.addServlet(new ServletHolder(new Pages.Admin(settings.admins())), "/admin");
    context.addServlet(new ServletHolder(new Pages.Health()), "/healthz");

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(settings.port());
    server.addConnector(connector);
    server.setHandler(context);
    ServletSample app = new ServletSample(server, verifier);
    try {
      server.start();
    } catch (Exception e) {
      app.close();
      throw new IllegalStateException("the servlet sample did not start: " + e.getMessage(), e);
    }
    return app;
  }

  /**
   * Returns the port the app listens on (the actual one when started with port 0).
   *
   * @return the port
   */
  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Stops Jetty, then the verifier's background key refresh. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    } finally {
      verifier.close();
    }
  }

  /**
   * The app's settings.
   *
   * @param audiences the audiences to accept, not empty
   * @param jwksUri where IAP's keys are; empty for Google's
   * @param port where to listen; 0 for any free port
   * @param admins lower-case emails allowed on {@code /admin}
   */
  public record Settings(
      List<IapAudience> audiences, Optional<URI> jwksUri, int port, Set<String> admins) {

    /** Copies the collections. */
    public Settings {
      audiences = List.copyOf(audiences);
      admins = Set.copyOf(admins);
    }

    /**
     * Reads the settings from system properties, falling back to environment variables.
     *
     * @param properties system properties ({@code System::getProperty})
     * @param env environment variables ({@code System.getenv()})
     * @return the settings
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    public static Settings read(UnaryOperator<String> properties, Map<String, String> env) {
      BinaryOperator<String> setting =
          (property, variable) ->
              properties.apply(property) != null ? properties.apply(property) : env.get(variable);
      List<IapAudience> audiences =
          list(setting.apply("iap.audiences", "IAP_AUDIENCES")).stream()
              .map(IapAudience::of)
              .toList();
      if (audiences.isEmpty()) {
        // Fail closed: an app that does not know its audience would accept any IAP app's users.
        throw new IllegalArgumentException(
            "set IAP_AUDIENCES to the audience the IAP console shows for this app, e.g."
                + " /projects/1/apps/local-dev behind the local emulator");
      }
      String jwks = setting.apply("iap.jwks-uri", "IAP_JWKS_URI");
      String port = setting.apply("port", "PORT");
      int number;
      try {
        number = port == null || port.isBlank() ? 8081 : Integer.parseInt(port.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("PORT '" + port + "' is not a number", e);
      }
      return new Settings(
          audiences,
          Optional.ofNullable(jwks).filter(s -> !s.isBlank()).map(s -> URI.create(s.strip())),
          number,
          list(setting.apply("admin.emails", "ADMIN_EMAILS")).stream()
              .map(email -> email.toLowerCase(Locale.ROOT))
              .collect(Collectors.toSet()));
    }

    private static List<String> list(String text) {
      return text == null
          ? List.of()
          : Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
  }
}
