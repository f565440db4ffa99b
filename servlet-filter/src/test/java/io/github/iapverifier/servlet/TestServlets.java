package io.github.iapverifier.servlet;

import io.github.iapverifier.IapIdentity;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Servlets that report what the application sees behind the filter. */
public final class TestServlets {

  private TestServlets() {}

  /** Describes the request as {@code key=value} lines. */
  static String describe(HttpServletRequest req) {
    Map<String, Object> m = new LinkedHashMap<>();
    Principal p = req.getUserPrincipal();
    m.put("principal", p == null ? null : p.getClass().getSimpleName() + ":" + p.getName());
    m.put(
        "principalSubject",
        p instanceof IapPrincipal ? ((IapPrincipal) p).identity().subject() : null);
    m.put("remoteUser", req.getRemoteUser());
    m.put("authType", req.getAuthType());
    m.put("inRole", req.isUserInRole("admin"));
    Object attribute = req.getAttribute(IapFilter.IDENTITY_ATTRIBUTE);
    m.put("attribute", attribute instanceof IapIdentity ? ((IapIdentity) attribute).email() : null);
    m.put("helper", IapFilter.identity(req).map(IapIdentity::email).orElse(null));
    m.put("emailHeader", req.getHeader("X-Goog-Authenticated-User-Email"));
    m.put("idHeader", req.getHeader("x-goog-authenticated-user-id"));
    m.put("emailHeaders", list(req.getHeaders("x-goog-authenticated-user-EMAIL")));
    m.put("idHeaders", list(req.getHeaders("X-GOOG-AUTHENTICATED-USER-ID")));
    List<String> legacyNames = new ArrayList<>();
    for (String name : list(req.getHeaderNames())) {
      if (name.toLowerCase(java.util.Locale.ROOT).startsWith("x-goog-authenticated-user")) {
        legacyNames.add(name);
      }
    }
    m.put("legacyNames", legacyNames);
    m.put("proxy", IapFilter.identity(req).map(i -> i.proxy().configName()).orElse(null));
    m.put("cfEmail", req.getHeader("cf-access-authenticated-user-email"));
    m.put("albIdentity", req.getHeader("X-Amzn-Oidc-Identity"));
    m.put("albAccessToken", req.getHeader("x-amzn-oidc-accesstoken"));
    m.put("pomeriumEmail", req.getHeader("x-pomerium-claim-email"));
    m.put("pomeriumGroups", list(req.getHeaders("X-Pomerium-Claim-Groups")));
    List<String> identityNames = new ArrayList<>();
    for (String name : list(req.getHeaderNames())) {
      if (io.github.iapverifier.web.IapIdentityHeaders.isIdentityHeader(name)) {
        identityNames.add(name.toLowerCase(java.util.Locale.ROOT));
      }
    }
    java.util.Collections.sort(identityNames);
    m.put("identityNames", identityNames);
    m.put("dispatch", req.getDispatcherType());
    m.put(
        "thread",
        Thread.currentThread().getName().startsWith("jetty-test") ? "container" : "other");
    StringBuilder out = new StringBuilder();
    m.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    return out.toString();
  }

  static Map<String, String> parse(String body) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }

  private static List<String> list(Enumeration<String> e) {
    return e == null ? List.of() : Collections.list(e);
  }

  static void write(HttpServletResponse resp, String text) throws IOException {
    resp.setContentType("text/plain;charset=utf-8");
    resp.getWriter().print(text);
  }

  /** Reports the request. */
  public static final class WhoAmI extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      write(resp, describe(req));
    }
  }

  /** A health endpoint: answers "ok" and reports the legacy header it sees. */
  public static final class Health extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      write(resp, "health=ok\n" + describe(req));
    }
  }

  /** Forwards to /included, which includes /whoami: three dispatches of one request. */
  public static final class Forward extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp)
        throws IOException, ServletException {
      req.getRequestDispatcher("/included").forward(req, resp);
    }
  }

  /** Includes /whoami. */
  public static final class Include extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp)
        throws IOException, ServletException {
      resp.setContentType("text/plain;charset=utf-8");
      req.getRequestDispatcher("/whoami").include(req, resp);
    }
  }

  /** Answers from another thread, using the request it was given. */
  public static final class AsyncWork extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) {
      AsyncContext async = req.startAsync();
      Thread worker =
          new Thread(
              () -> {
                try {
                  write(resp, describe(req));
                } catch (IOException e) {
                  resp.setStatus(500);
                } finally {
                  async.complete();
                }
              },
              "async-worker");
      worker.start();
    }
  }

  /** Starts async processing and dispatches to /whoami: an ASYNC dispatch. */
  public static final class AsyncDispatch extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) {
      AsyncContext async = req.startAsync();
      async.start(() -> async.dispatch("/whoami"));
    }
  }
}
