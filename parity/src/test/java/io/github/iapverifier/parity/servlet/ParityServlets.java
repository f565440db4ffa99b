package io.github.iapverifier.parity.servlet;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.parity.Echo;
import io.github.iapverifier.parity.ParitySettings;
import io.github.iapverifier.parity.ParityVerifiers;
import io.github.iapverifier.servlet.IapFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The parity endpoints as plain servlets, and the filter they sit behind. */
final class ParityServlets {

  private ParityServlets() {}

  /** The filter as a plain servlet app configures it in code, with its verifier. */
  static IapFilter filter(ParitySettings settings, IapVerifier[] verifierOut) {
    IapVerifier verifier = ParityVerifiers.build(settings);
    verifierOut[0] = verifier;
    return IapFilter.builder(verifier)
        .excludedPaths(settings.property("iap.excluded-paths"))
        .build();
  }

  /** Servlet mapping to servlet; "/" is the default servlet (404 for any unmapped path). */
  static Map<String, HttpServlet> servlets() {
    Map<String, HttpServlet> servlets = new LinkedHashMap<>();
    servlets.put("/whoami", new Echoing());
    servlets.put("/healthz", new Echoing());
    servlets.put("/async/whoami", new Async());
    servlets.put("/boom", new Boom());
    servlets.put("/error", new ErrorPage());
    servlets.put("/", new NotFound());
    return servlets;
  }

  static void write(HttpServletResponse response, int status, String body) throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain");
    response.getWriter().write(body);
  }

  static final class Echoing extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, 200, Echo.of(request, 200));
    }
  }

  /** Answers from an async dispatch back to itself, as Spring MVC's Callable does. */
  static final class Async extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      if (request.getDispatcherType() == DispatcherType.ASYNC) {
        write(response, 200, Echo.of(request, 200));
        return;
      }
      AsyncContext async = request.startAsync();
      CompletableFuture.runAsync(async::dispatch);
    }
  }

  static final class Boom extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws ServletException {
      throw new ServletException("boom");
    }
  }

  static final class NotFound extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.sendError(404);
    }
  }

  /** The error page: the status of the error and what the application sees on this dispatch. */
  static final class ErrorPage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
      int status = code instanceof Integer ? (Integer) code : 500;
      write(response, status, Echo.of(request, status));
    }
  }
}
