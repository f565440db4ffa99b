package io.github.iapverifier.emulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Everything the emulator answers: its keys, its own pages, IAP's special query parameters, and
 * the proxying of every other request to the upstream with a fresh assertion.
 */
final class EmulatorHandler implements HttpHandler {

  static final String MODE = "gcp-iap-mode";
  static final String TEST_TYPE = "iap-secure-token-test-type";
  static final String GENERATED = "X-Goog-IAP-Generated-Response";

  // RFC 9110 section 7.6.1: meaningful for one connection only, never forwarded.
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  // Set by the HTTP client from the body and target, or rewritten by the proxy itself.
  private static final Set<String> REWRITTEN =
      Set.of("content-length", "host", "expect", "x-forwarded-for", "x-forwarded-proto");

  private static final int MAX_FORM_BYTES = 64 * 1024;

  private final Emulator emulator;
  private final EmulatedProxy proxy;
  private final HostRule hosts;
  private final PrintStream log;
  private final HttpClient client;
  private final boolean hostForwardable;

  EmulatorHandler(Emulator emulator, EmulatedProxy proxy, HostRule hosts, PrintStream log) {
    this.emulator = emulator;
    this.proxy = proxy;
    this.hosts = hosts;
    this.log = log;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.hostForwardable = hostForwardable();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      route(exchange);
    } catch (IOException e) {
      // The browser went away mid-response; nothing left to tell it.
    } catch (RuntimeException e) {
      log.println("error answering " + rawPath(exchange.getRequestURI()) + ": " + e);
      if (exchange.getResponseCode() == -1) {
        sendText(exchange, 500, "text/plain", "IAP emulator error: " + e.getMessage());
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    URI target = exchange.getRequestURI();
    String path = rawPath(target);
    String method = exchange.getRequestMethod();
    EmulatedProxy.Keys keys = proxy.keys(path);
    if (keys != null) {
      // Public keys, no state: an app in a container may fetch them by any name of this host.
      serveKeys(exchange, keys);
      return;
    }
    Optional<HostRule.Authority> host = checkHost(exchange);
    if (host.isEmpty()) {
      return;
    }
    boolean stateChanging = !method.equals("GET") && !method.equals("HEAD");
    if (path.equals(Emulator.SIGN_IN_PATH)) {
      if (method.equals("POST")) {
        if (sameOrigin(exchange, host.get())) {
          signIn(exchange);
        }
      } else {
        Map<String, String> query = parseForm(rawQuery(target));
        Optional<EmulatedUser> user = currentUser(exchange);
        sendHtml(
            exchange,
            200,
            Pages.signIn(emulator, localTarget(query.get("return")), user, null, null));
      }
      return;
    }
    if (path.equals(Emulator.CLEAR_LOGIN_COOKIE_PATH)) {
      if (!stateChanging || sameOrigin(exchange, host.get())) {
        signOut(exchange, "/");
      }
      return;
    }
    if (path.startsWith("/_gcp_iap/")) {
      sendText(exchange, 404, "text/plain", "no such IAP emulator page: " + path);
      return;
    }

    Map<String, String> query = parseForm(rawQuery(target));
    String mode = query.get(MODE);
    if ("CLEAR_LOGIN_COOKIE".equals(mode)) {
      if (!stateChanging || sameOrigin(exchange, host.get())) {
        signOut(exchange, pathAndQuery(exchange, true));
      }
      return;
    }
    Optional<EmulatedUser> user = currentUser(exchange);
    if (user.isEmpty()) {
      // Real IAP sends the browser to Google's sign-in; the emulator sends it to its own.
      redirect(
          exchange,
          302,
          Emulator.SIGN_IN_PATH + "?return=" + encode(pathAndQuery(exchange, false)));
      return;
    }
    if (mode == null) {
      forward(exchange, user.get(), null);
    } else if (mode.equals("IDENTITY")) {
      sendText(
          exchange,
          200,
          "application/json",
          "{\"email\":"
              + json("accounts.google.com:" + user.get().email())
              + ",\"sub\":"
              + json(user.get().subject())
              + "}");
    } else if (mode.equals("SECURE_TOKEN_TEST")) {
      String name = query.getOrDefault(TEST_TYPE, "NOT_SET");
      SecureTokenTest type;
      try {
        type = SecureTokenTest.valueOf(name);
      } catch (IllegalArgumentException e) {
        sendText(
            exchange,
            400,
            "text/plain",
            TEST_TYPE + " '" + name + "' is not one of " + Arrays.toString(SecureTokenTest.values()));
        return;
      }
      forward(exchange, user.get(), type);
    } else {
      sendText(
          exchange,
          400,
          "text/plain",
          MODE + " '" + mode + "' is not one of IDENTITY, CLEAR_LOGIN_COOKIE, SECURE_TOKEN_TEST");
    }
  }

  /**
   * The request's Host, if it names this emulator; otherwise answers 400 or 421 and forwards
   * nothing. The value is logged for the developer (printable characters only), never echoed.
   */
  private Optional<HostRule.Authority> checkHost(HttpExchange exchange) throws IOException {
    List<String> values = exchange.getRequestHeaders().get("Host");
    Optional<HostRule.Authority> host =
        values == null || values.size() != 1 ? Optional.empty() : HostRule.parse(values.get(0));
    // An absolute request target carries its own host, which would take Host's place.
    if (host.isEmpty() || exchange.getRequestURI().isAbsolute()) {
      log.println("refused a request without exactly one valid Host: " + printable(values));
      sendText(
          exchange,
          400,
          "text/plain",
          "IAP emulator: the request needs exactly one valid Host header, and a path (not a"
              + " full URL) in its request line.");
      return Optional.empty();
    }
    if (!hosts.allows(host.get())) {
      log.println(
          "refused Host "
              + printable(values)
              + ": not a name of this emulator (DNS rebinding?); if it is yours, start with"
              + " --allowed-hosts "
              + printable(List.of(host.get().host())));
      sendText(
          exchange,
          421,
          "text/plain",
          "IAP emulator: this Host is not a name of the emulator, so the request was refused"
              + " (protection against DNS rebinding). Browse http://localhost:"
              + emulator.port()
              + "/ or start the emulator with --allowed-hosts NAME.");
      return Optional.empty();
    }
    return host;
  }

  /**
   * Whether a state-changing request may proceed: its {@code Origin}, when present, is the
   * emulator's own (browsers send one with every POST, so a cross-site form is caught; curl sends
   * none). Otherwise answers 403.
   */
  private boolean sameOrigin(HttpExchange exchange, HostRule.Authority host) throws IOException {
    List<String> origins = exchange.getRequestHeaders().get("Origin");
    if (origins == null
        || (origins.size() == 1 && HostRule.sameOrigin(origins.get(0), host))) {
      return true;
    }
    log.println(
        "refused "
            + exchange.getRequestMethod()
            + " "
            + printable(List.of(rawPath(exchange.getRequestURI())))
            + " from Origin "
            + printable(origins)
            + ": not this emulator's (cross-site request?)");
    sendText(
        exchange,
        403,
        "text/plain",
        "IAP emulator: refused a request from another origin (Origin must be this emulator's).");
    return false;
  }


  private void forward(HttpExchange exchange, EmulatedUser user, SecureTokenTest test)
      throws IOException {
    URI uri = exchange.getRequestURI();
    String target = emulator.upstream() + pathAndQuery(exchange, false);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target));
    Headers in = exchange.getRequestHeaders();
    Set<String> connectionOptions = connectionOptions(in);
    in.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          // CGI, WSGI and Rack read X_Goog_X as X-Goog-X: the underscore form is the same header.
          String folded = lower.replace('_', '-');
          // Only the proxy may set its headers (any proxy's: the app may trust another one's
          // too): whatever the client sent is a forgery.
          if (EmulatedProxy.isProxyHeader(folded)
              || HOP_BY_HOP.contains(folded)
              || REWRITTEN.contains(folded)
              || connectionOptions.contains(lower)) {
            return;
          }
          for (String value : values) {
            if (lower.equals("cookie")) {
              value = withoutOwnCookie(value);
              if (value.isEmpty()) {
                continue;
              }
            }
            try {
              request.header(name, value);
            } catch (IllegalArgumentException e) {
              // A name or value the HTTP client refuses to send; the app does without it.
            }
          }
        });
    String host = in.getFirst("Host");
    if (host != null) {
      // Apps build absolute URLs (redirects) from Host; the load balancer in front of real IAP
      // keeps the browser's.
      request.header(hostForwardable ? "Host" : "X-Forwarded-Host", host);
    }
    String clientAddress = exchange.getRemoteAddress().getAddress().getHostAddress();
    String forwardedFor = in.getFirst("X-Forwarded-For");
    request.header(
        "X-Forwarded-For",
        forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress);
    request.header("X-Forwarded-Proto", "http");
    proxy.headers(user, test).forEach(request::header);
    request.method(exchange.getRequestMethod(), requestBody(exchange));

    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      log.println(exchange.getRequestMethod() + " " + rawPath(uri) + " -> 502: " + e);
      sendText(
          exchange,
          502,
          "text/plain",
          "IAP emulator: the app at " + emulator.upstream() + " did not answer (" + e + ")");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    log.println(
        exchange.getRequestMethod()
            + " "
            + rawPath(uri)
            + " -> "
            + response.statusCode()
            + " as "
            + user.email()
            + (test != null ? " (SECURE_TOKEN_TEST " + test + ")" : ""));
    relay(exchange, response);
  }

  /** Streams the upstream's answer back as it arrives: no body is ever held whole. */
  private static void relay(HttpExchange exchange, HttpResponse<InputStream> response)
      throws IOException {
    try (InputStream body = response.body()) {
      Headers out = exchange.getResponseHeaders();
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!HOP_BY_HOP.contains(lower)
                    && !lower.equals("content-length")
                    && !lower.startsWith(":")) {
                  out.put(name, new ArrayList<>(values));
                }
              });
      int status = response.statusCode();
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      boolean bodiless =
          exchange.getRequestMethod().equals("HEAD")
              || status == 204
              || status == 304
              || status < 200;
      // HttpServer: -1 means no body, 0 means chunked (length unknown), n > 0 a fixed length.
      exchange.sendResponseHeaders(status, bodiless || length == 0 ? -1 : Math.max(length, 0));
      if (bodiless) {
        return;
      }
      OutputStream sink = exchange.getResponseBody();
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = body.read(buffer)) != -1) {
        sink.write(buffer, 0, n);
        // Whatever arrived goes out now, so server-sent events and slow downloads stay live.
        sink.flush();
      }
      sink.close();
    }
  }

  private static HttpRequest.BodyPublisher requestBody(HttpExchange exchange) {
    Headers in = exchange.getRequestHeaders();
    if (in.containsKey("Transfer-Encoding")) {
      return HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody);
    }
    long length;
    try {
      String header = in.getFirst("Content-Length");
      length = header == null ? 0 : Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      length = 0;
    }
    return length > 0
        ? HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody), length)
        : HttpRequest.BodyPublishers.noBody();
  }

  private void serveKeys(HttpExchange exchange, EmulatedProxy.Keys keys) throws IOException {
    if (keys.body() == null) {
      sendText(exchange, 404, "text/plain", "no such key");
      return;
    }
    if (keys.cacheControl() != null) {
      exchange.getResponseHeaders().set("Cache-Control", keys.cacheControl());
    }
    sendText(exchange, 200, keys.contentType(), keys.body());
  }

  private void signIn(HttpExchange exchange) throws IOException {
    Map<String, String> form;
    try (InputStream body = exchange.getRequestBody()) {
      byte[] bytes = body.readNBytes(MAX_FORM_BYTES + 1);
      if (bytes.length > MAX_FORM_BYTES) {
        sendText(exchange, 413, "text/plain", "sign-in form too large");
        return;
      }
      form = parseForm(new String(bytes, StandardCharsets.UTF_8));
    }
    String returnTo = localTarget(form.get("return"));
    EmulatedUser user;
    try {
      user =
          new EmulatedUser(
              form.getOrDefault("email", ""),
              Optional.ofNullable(form.get("hd")),
              EmulatedUser.splitLevels(form.getOrDefault("levels", "")));
    } catch (IllegalArgumentException e) {
      sendHtml(
          exchange,
          400,
          Pages.signIn(emulator, returnTo, Optional.empty(), form, e.getMessage()));
      return;
    }
    exchange
        .getResponseHeaders()
        .add(
            "Set-Cookie",
            Emulator.COOKIE_NAME + "=" + user.toCookieValue() + "; Path=/; HttpOnly; SameSite=Lax");
    log.println("signed in as " + user);
    redirect(exchange, 303, returnTo);
  }

  private void signOut(HttpExchange exchange, String then) throws IOException {
    exchange
        .getResponseHeaders()
        .add(
            "Set-Cookie",
            Emulator.COOKIE_NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    currentUser(exchange).ifPresent(user -> log.println("signed out " + user.email()));
    redirect(exchange, 302, then);
  }

  private static Optional<EmulatedUser> currentUser(HttpExchange exchange) {
    List<String> headers = exchange.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return Optional.empty();
    }
    for (String header : headers) {
      for (String pair : header.split(";")) {
        String trimmed = pair.strip();
        if (trimmed.startsWith(Emulator.COOKIE_NAME + "=")) {
          return EmulatedUser.fromCookieValue(
              trimmed.substring(Emulator.COOKIE_NAME.length() + 1));
        }
      }
    }
    return Optional.empty();
  }

  /** The app never sees the emulator's own cookie, as it never sees IAP's session. */
  private static String withoutOwnCookie(String header) {
    StringJoiner kept = new StringJoiner("; ");
    for (String pair : header.split(";")) {
      String trimmed = pair.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith(Emulator.COOKIE_NAME + "=")) {
        kept.add(trimmed);
      }
    }
    return kept.toString();
  }

  private static Set<String> connectionOptions(Headers headers) {
    Set<String> options = new HashSet<>();
    List<String> values = headers.get("Connection");
    if (values != null) {
      for (String value : values) {
        for (String option : value.split(",")) {
          options.add(option.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    return options;
  }

  /** The request's path and query, optionally without IAP's own parameters. */
  private static String pathAndQuery(HttpExchange exchange, boolean withoutIapParameters) {
    URI uri = exchange.getRequestURI();
    String query = rawQuery(uri);
    if (query != null && withoutIapParameters) {
      StringJoiner kept = new StringJoiner("&");
      for (String pair : query.split("&")) {
        String name = decode(pair.split("=", 2)[0]);
        if (!name.equals(MODE) && !name.equals(TEST_TYPE) && !pair.isEmpty()) {
          kept.add(pair);
        }
      }
      query = kept.length() == 0 ? null : kept.toString();
    }
    return rawPath(uri) + (query != null ? "?" + query : "");
  }

  /**
   * The path as the client sent it. {@link URI} reads a target such as {@code ////evil.com/} as
   * an empty authority and the path {@code //evil.com/}, and {@code //evil.com/x} as the
   * authority {@code evil.com} and the path {@code /x}; an origin-form target is all path.
   */
  static String rawPath(URI target) {
    if (target.isAbsolute()) {
      return target.getRawPath();
    }
    String text = target.toString();
    int end = text.indexOf('?');
    return end < 0 ? text : text.substring(0, end);
  }

  private static String rawQuery(URI target) {
    if (target.isAbsolute()) {
      return target.getRawQuery();
    }
    String text = target.toString();
    int start = text.indexOf('?');
    return start < 0 ? null : text.substring(start + 1);
  }

  /**
   * A path on this origin, or {@code /}. Browsers read {@code //host} and {@code /\host} as
   * another site, and drop tabs and line breaks first ({@code /<TAB>/host}); only visible ASCII
   * can go in a header anyway.
   */
  static String localTarget(String target) {
    if (target == null
        || !target.startsWith("/")
        || target.startsWith("//")
        || target.startsWith("/\\")
        || target.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
      return "/";
    }
    return target;
  }

  /** A client's value for the log: printable ASCII only, bounded, never the raw bytes. */
  private static String printable(List<String> values) {
    if (values == null) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder();
    for (String value : values) {
      out.append(out.length() == 0 ? "'" : ", '");
      value
          .chars()
          .limit(100)
          .forEach(c -> out.append(c >= 0x20 && c < 0x7f && c != '\'' ? (char) c : '?'));
      out.append(value.length() > 100 ? "...'" : "'");
    }
    return out.toString();
  }

  static Map<String, String> parseForm(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&")) {
      if (!pair.isEmpty()) {
        String[] parts = pair.split("=", 2);
        values.putIfAbsent(decode(parts[0]), parts.length > 1 ? decode(parts[1]) : "");
      }
    }
    return values;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** Every redirect of the emulator's own goes through here, so each stays on this origin. */
  private static void redirect(HttpExchange exchange, int status, String location)
      throws IOException {
    exchange.getResponseHeaders().set("Location", localTarget(location));
    exchange.getResponseHeaders().set(GENERATED, "true");
    exchange.sendResponseHeaders(status, -1);
  }

  private static void sendHtml(HttpExchange exchange, int status, String html) throws IOException {
    // A framed sign-in page would let another site steer clicks on the preset buttons.
    exchange.getResponseHeaders().set("Content-Security-Policy", "frame-ancestors 'none'");
    exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
    sendText(exchange, status, "text/html; charset=utf-8", html);
  }

  private static void sendText(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", type.contains("charset") ? type : type + "; charset=utf-8");
    // As real IAP marks its own answers, so apps and tests can tell them from the app's.
    headers.set(GENERATED, "true");
    // Error texts quote the request (path, mode); they must never be sniffed as HTML.
    headers.set("X-Content-Type-Options", "nosniff");
    if (!headers.containsKey("Cache-Control")) {
      headers.set("Cache-Control", "no-store");
    }
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static String json(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /**
   * Whether this JVM lets the HTTP client send a Host header of our choosing ({@code
   * -Djdk.httpclient.allowRestrictedHeaders=host}, which {@link Main} sets). Without it the
   * browser's host goes in {@code X-Forwarded-Host} instead.
   */
  private static boolean hostForwardable() {
    try {
      HttpRequest.newBuilder(URI.create("http://localhost/")).header("Host", "localhost");
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
