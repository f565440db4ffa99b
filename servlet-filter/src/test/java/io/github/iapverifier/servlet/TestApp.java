package io.github.iapverifier.servlet;

import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/** Builds the servlet contexts the container tests run. */
final class TestApp {

  private TestApp() {}

  /** Counts what the verifier did, to prove one verification per request. */
  static final class Counter implements IapEventListener {
    final AtomicInteger verified = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();

    @Override
    public void verified(IapIdentity identity, boolean fromCache) {
      verified.incrementAndGet();
    }

    @Override
    public void rejected(IapVerificationException failure) {
      rejected.incrementAndGet();
    }

    int total() {
      return verified.get() + rejected.get();
    }

    void reset() {
      verified.set(0);
      rejected.set(0);
    }
  }

  /**
   * A context with the filter on {@code /*} for every dispatcher type, and servlets: {@code
   * /healthz} and {@code /status/*} (health), {@code /forward} → {@code /included} → include {@code
   * /whoami}, {@code /async}, {@code /async-dispatch}, everything else {@code /whoami}.
   */
  static ServletContextHandler context(String contextPath, Filter filter) {
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath(contextPath);
    FilterHolder holder = new FilterHolder(filter);
    holder.setName("iap");
    holder.setAsyncSupported(true);
    context.addFilter(holder, "/*", EnumSet.allOf(DispatcherType.class));
    servlet(context, new TestServlets.WhoAmI(), "/");
    servlet(context, new TestServlets.WhoAmI(), "/whoami");
    servlet(context, new TestServlets.Health(), "/healthz");
    servlet(context, new TestServlets.Health(), "/status/*");
    servlet(context, new TestServlets.Forward(), "/forward");
    servlet(context, new TestServlets.Include(), "/included");
    servlet(context, new TestServlets.AsyncWork(), "/async");
    servlet(context, new TestServlets.AsyncDispatch(), "/async-dispatch");
    return context;
  }

  private static void servlet(ServletContextHandler context, HttpServlet servlet, String path) {
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, path);
  }
}
