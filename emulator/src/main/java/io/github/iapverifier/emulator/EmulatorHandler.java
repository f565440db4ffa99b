package io.github.iapverifier.emulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import io.github.iapverifier.test.TokenBuilder;
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
  private final FakeIap iap;
  private final PrintStream log;
  private final HttpClient client;
  private final boolean hostForwardable;

  EmulatorHandler(Emulator emulator, FakeIap iap, PrintStream log) {
    this.emulator = emulator;
    this.iap = iap;
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
      log.println("error answering " + exchange.getRequestURI().getRawPath() + ": " + e);
      if (exchange.getResponseCode() == -1) {
        sendText(exchange, 500, "text/plain", "IAP emulator error: " + e.getMessage());
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    if (path.equals(Emulator.JWKS_PATH)) {
      serveJwks(exchange);
      return;
    }
    if (path.equals(Emulator.SIGN_IN_PATH)) {
      if (method.equals("POST")) {
        signIn(exchange);
      } else {
        Map<String, String> query = parseForm(exchange.getRequestURI().getRawQuery());
        Optional<EmulatedUser> user = currentUser(exchange);
        sendHtml(
            exchange,
            200,
            Pages.signIn(emulator, safeReturn(query.get("return")), user, null, null));
      }
      return;
    }
    if (path.equals(Emulator.CLEAR_LOGIN_COOKIE_PATH)) {
      signOut(exchange, "/");
      return;
    }
    if (path.startsWith("/_gcp_iap/")) {
      sendText(exchange, 404, "text/plain", "no such IAP emulator page: " + path);
      return;
    }

    Map<String, String> query = parseForm(exchange.getRequestURI().getRawQuery());
    String mode = query.get(MODE);
    if ("CLEAR_LOGIN_COOKIE".equals(mode)) {
      signOut(exchange, pathAndQuery(exchange, true));
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
      proxy(exchange, user.get(), tokenFor(user.get()).build(), null);
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
      proxy(exchange, user.get(), tokenFor(user.get()).secureTokenTest(type).build(), type);
    } else {
      sendText(
          exchange,
          400,
          "text/plain",
          MODE + " '" + mode + "' is not one of IDENTITY, CLEAR_LOGIN_COOKIE, SECURE_TOKEN_TEST");
    }
  }

  private TokenBuilder tokenFor(EmulatedUser user) {
    return iap.token()
        .email(user.email())
        .subject(user.subject())
        .hostedDomain(user.hostedDomain().orElse(null))
        .accessLevels(user.accessLevels().toArray(String[]::new));
  }

  private void proxy(
      HttpExchange exchange, EmulatedUser user, String assertion, SecureTokenTest test)
      throws IOException {
    URI uri = exchange.getRequestURI();
    String target =
        emulator.upstream()
            + uri.getRawPath()
            + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target));
    Headers in = exchange.getRequestHeaders();
    Set<String> connectionOptions = connectionOptions(in);
    in.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          // Only IAP may set x-goog-* headers: whatever the client sent is a forgery.
          if (lower.startsWith("x-goog-")
              || HOP_BY_HOP.contains(lower)
              || REWRITTEN.contains(lower)
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
    request.header(IapVerifier.HEADER, assertion);
    request.header("x-goog-authenticated-user-email", "accounts.google.com:" + user.email());
    request.header("x-goog-authenticated-user-id", user.subject());
    request.method(exchange.getRequestMethod(), requestBody(exchange));

    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      log.println(exchange.getRequestMethod() + " " + uri.getRawPath() + " -> 502: " + e);
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
            + uri.getRawPath()
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

  private void serveJwks(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "public, max-age=300");
    sendText(exchange, 200, "application/json", iap.jwksJson());
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
    String returnTo = safeReturn(form.get("return"));
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
    String query = uri.getRawQuery();
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
    return uri.getRawPath() + (query != null ? "?" + query : "");
  }

  /** Only paths on this site: a sign-in link must not send the browser elsewhere. */
  static String safeReturn(String returnTo) {
    if (returnTo == null
        || !returnTo.startsWith("/")
        || returnTo.startsWith("//")
        || returnTo.startsWith("/\\")
        || returnTo.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "/";
    }
    return returnTo;
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

  private static void redirect(HttpExchange exchange, int status, String location)
      throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.getResponseHeaders().set(GENERATED, "true");
    exchange.sendResponseHeaders(status, -1);
  }

  private static void sendHtml(HttpExchange exchange, int status, String html) throws IOException {
    sendText(exchange, status, "text/html; charset=utf-8", html);
  }

  private static void sendText(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", type.contains("charset") ? type : type + "; charset=utf-8");
    // As real IAP marks its own answers, so apps and tests can tell them from the app's.
    headers.set(GENERATED, "true");
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
