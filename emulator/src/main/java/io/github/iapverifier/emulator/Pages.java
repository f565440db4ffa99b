package io.github.iapverifier.emulator;

import io.github.iapverifier.IapProxy;
import java.util.Map;
import java.util.Optional;

/** The emulator's one page, as plain HTML with inline CSS: nothing is loaded from elsewhere. */
final class Pages {

  private static final String STYLE =
      "body{font:16px/1.45 system-ui,sans-serif;margin:0;background:#f3f4f6;color:#1f2937}"
          + "main{max-width:34rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;"
          + "border-radius:8px;box-shadow:0 1px 3px #0002}"
          + "h1{font-size:1.4rem;margin-top:0}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}"
          + ".note{color:#4b5563;font-size:.9rem}.error{background:#fee2e2;color:#991b1b;"
          + "padding:.5rem .75rem;border-radius:4px}.current{background:#ecfdf5;padding:.5rem .75rem;"
          + "border-radius:4px}label{display:block;margin:.6rem 0 .2rem;font-weight:600}"
          + "input,textarea{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}"
          + "textarea{height:4.5rem}button{margin-top:.8rem;padding:.45rem 1rem;font:inherit;"
          + "cursor:pointer}form.preset{margin:.3rem 0}form.preset button{margin:0;width:100%;"
          + "text-align:left}small{color:#6b7280;font-weight:normal}code{font-size:.85rem}";

  private Pages() {}

  /**
   * The sign-in page.
   *
   * @param returnTo where to go once signed in, already checked to be local
   * @param current who is signed in now, if anyone
   * @param form the values to show again after a mistake, or null
   * @param error what was wrong with them, or null
   */
  static String signIn(
      Emulator emulator,
      String returnTo,
      Optional<EmulatedUser> current,
      Map<String, String> form,
      String error) {
    StringBuilder html = new StringBuilder(4096);
    html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Sign in - local IAP emulator</title><style>")
        .append(STYLE)
        .append("</style></head><body><main>")
        .append("<h1>Sign in</h1>")
        .append("<p class=\"note\">This is the <strong>local IAP emulator</strong>, not Google.")
        .append(" Pick who you are: the app at <code>")
        .append(escape(emulator.upstream().toString()))
        .append("</code> receives a signed assertion for that identity");
    if (emulator.proxy() == IapProxy.GOOGLE_IAP) {
      html.append(", audience <code>").append(escape(emulator.audience().value())).append("</code>");
    } else {
      html.append(" in <code>")
          .append(escape(emulator.proxy().header()))
          .append("</code>, as ")
          .append(escape(emulator.proxy().configName()))
          .append(" signs it");
    }
    html.append(".</p>");
    if (error != null) {
      html.append("<p class=\"error\" id=\"error\">").append(escape(error)).append("</p>");
    }
    current.ifPresent(
        user ->
            html.append("<p class=\"current\" id=\"current\">Signed in as <strong>")
                .append(escape(user.email()))
                .append("</strong>. <a href=\"")
                .append(Emulator.CLEAR_LOGIN_COOKIE_PATH)
                .append("\">Sign out</a></p>"));
    if (!emulator.presets().isEmpty()) {
      html.append("<h2>Choose an account</h2>");
      for (EmulatedUser preset : emulator.presets()) {
        html.append("<form class=\"preset\" method=\"post\" action=\"")
            .append(Emulator.SIGN_IN_PATH)
            .append("\">");
        hidden(html, "email", preset.email());
        hidden(html, "hd", preset.hostedDomain().orElse(""));
        hidden(html, "levels", String.join(",", preset.accessLevels()));
        hidden(html, "return", returnTo);
        html.append("<button type=\"submit\" data-email=\"")
            .append(escape(preset.email()))
            .append("\">")
            .append(escape(preset.email()));
        String details =
            preset.hostedDomain().map(d -> "Workspace " + d).orElse("consumer account")
                + (preset.accessLevels().isEmpty()
                    ? ""
                    : "; " + String.join(", ", preset.accessLevels()));
        html.append("<br><small>").append(escape(details)).append("</small></button></form>");
      }
    }
    String email = form != null ? form.getOrDefault("email", "") : "";
    String hd = form != null ? form.getOrDefault("hd", "") : "";
    String levels = form != null ? form.getOrDefault("levels", "") : "";
    html.append("<h2>Use another identity</h2>")
        .append("<form id=\"custom\" method=\"post\" action=\"")
        .append(Emulator.SIGN_IN_PATH)
        .append("\">")
        .append("<label for=\"email\">Email</label>")
        .append("<input id=\"email\" name=\"email\" required placeholder=\"ana@example.com\" value=\"")
        .append(escape(email))
        .append("\">")
        .append("<label for=\"hd\">Hosted domain <small>(Workspace; empty for a consumer")
        .append(" account)</small></label>")
        .append("<input id=\"hd\" name=\"hd\" placeholder=\"example.com\" value=\"")
        .append(escape(hd))
        .append("\">")
        .append("<label for=\"levels\">Access levels <small>(one per line)</small></label>")
        .append("<textarea id=\"levels\" name=\"levels\"")
        .append(" placeholder=\"accessPolicies/1/accessLevels/corp\">")
        .append(escape(levels))
        .append("</textarea>");
    hidden(html, "return", returnTo);
    html.append("<button id=\"sign-in\" type=\"submit\">Sign in</button></form>")
        .append("</main></body></html>");
    return html.toString();
  }

  private static void hidden(StringBuilder html, String name, String value) {
    html.append("<input type=\"hidden\" name=\"")
        .append(name)
        .append("\" value=\"")
        .append(escape(value))
        .append("\">");
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
