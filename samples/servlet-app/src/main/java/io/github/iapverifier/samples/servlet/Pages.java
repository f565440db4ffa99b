package io.github.iapverifier.samples.servlet;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.servlet.IapFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/** The sample's pages: plain servlets writing plain HTML, nothing loaded from elsewhere. */
final class Pages {

  private Pages() {}

  /** {@code /}: who IAP says the user is. */
  static final class Identity extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      // Present on every request that got past the filter: it verified the signed assertion.
      // The x-goog-authenticated-user-email header proves nothing, so the app never reads it.
      IapIdentity who = IapFilter.identity(request).orElseThrow();
      long seconds = Duration.between(Instant.now(), who.expiresAt()).toSeconds();
      String levels =
          who.accessLevels().isEmpty()
              ? "<em>none</em>"
              : "<ul>"
                  + who.accessLevels().stream()
                      .map(level -> "<li>" + escape(level) + "</li>")
                      .reduce("", String::concat)
                  + "</ul>";
      send(
          response,
          200,
          "Signed in through IAP",
          "<h1>Signed in through IAP</h1>"
              + "<table>"
              + row("Email", "email", escape(who.email()))
              + row("Subject", "subject", escape(who.subject()))
              + row(
                  "Workspace domain",
                  "domain",
                  who.hostedDomain().map(Pages::escape).orElse("<em>none (consumer account)</em>"))
              + row("Access levels", "access-levels", levels)
              + row(
                  "Assertion expires",
                  "expires",
                  escape(who.expiresAt().toString()) + " (in " + seconds + " s)")
              + row("Audience", "audience", escape(who.audience()))
              + "</table>"
              + "<p class=\"note\">Read from the signed <code>x-goog-iap-jwt-assertion</code>"
              + " header, verified by <code>IapFilter</code>.</p>"
              + "<nav><a id=\"admin-link\" href=\"/admin\">Admin page</a>"
              // IAP's own sign-out URL; it works on any path, in the emulator as on Google.
              + " <a id=\"sign-out\" href=\"/?gcp-iap-mode=CLEAR_LOGIN_COOKIE\">Sign"
              + " out</a></nav>");
    }
  }

  /** {@code /admin}: only for the configured admins. */
  static final class Admin extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final Set<String> admins;

    Admin(Set<String> admins) {
      this.admins = Set.copyOf(admins);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      // getRemoteUser() is the verified email: the filter set it from the assertion.
      String email = request.getRemoteUser();
      if (!admins.contains(email.toLowerCase(Locale.ROOT))) {
        send(
            response,
            403,
            "Forbidden",
            "<h1>403 Forbidden</h1><p id=\"denied\"><strong>"
                + escape(email)
                + "</strong> is not an admin of this app (see ADMIN_EMAILS).</p>"
                + "<nav><a href=\"/\">Back</a></nav>");
        return;
      }
      send(
          response,
          200,
          "Admin",
          "<h1>Admin page</h1><p id=\"welcome\">Welcome, admin <strong>"
              + escape(email)
              + "</strong>.</p><nav><a href=\"/\">Back</a> <a id=\"sign-out\""
              + " href=\"/?gcp-iap-mode=CLEAR_LOGIN_COOKIE\">Sign out</a></nav>");
    }
  }

  /** {@code /healthz}: excluded from verification, since health checks carry no assertion. */
  static final class Health extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain;charset=utf-8");
      response.getWriter().write("ok");
    }
  }

  private static String row(String label, String id, String html) {
    return "<tr><th>" + label + "</th><td id=\"" + id + "\">" + html + "</td></tr>";
  }

  private static void send(HttpServletResponse response, int status, String title, String body)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=utf-8");
    // The page shows personal data: keep it out of shared caches and the back-forward cache.
    response.setHeader("Cache-Control", "no-store");
    response
        .getWriter()
        .write(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + title
                + " - servlet sample</title><style>"
                + "body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:46rem;"
                + "color:#1f2937}h1{font-size:1.5rem}th{text-align:left;padding:.3rem 1rem .3rem 0;"
                + "vertical-align:top}td ul{margin:0;padding-left:1.2rem}.note{color:#4b5563}"
                + "nav a{margin-right:1rem}</style></head><body>"
                + body
                + "</body></html>");
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
