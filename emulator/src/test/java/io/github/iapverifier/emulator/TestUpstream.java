package io.github.iapverifier.emulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real app for the emulator to stand in front of: a JDK HTTP server on a loopback port that
 * records what reaches it.
 *
 * <ul>
 *   <li>any path: 200, echoes nothing but records method, URI, headers, body length and SHA-256;
 *   <li>{@code /big?bytes=N}: N deterministic bytes, chunked;
 *   <li>{@code /slow}: {@code first\n}, then {@code second\n} once {@link #releaseSlow()} is
 *       called;
 *   <li>{@code /status/N}: status N with no body.
 * </ul>
 */
final class TestUpstream implements AutoCloseable {

  /** What one request looked like on arrival at the app. */
  record Received(String method, String uri, Map<String, List<String>> headers, long length,
      String sha256) {

    /** All values of a header, by case-insensitive name. */
    List<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .collect(Collectors.toList());
    }

    String assertion() {
      List<String> values = header("x-goog-iap-jwt-assertion");
      if (values.size() != 1) {
        throw new AssertionError("expected one assertion, got " + values.size());
      }
      return values.get(0);
    }
  }

  private final HttpServer server;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CountDownLatch slow = new CountDownLatch(1);

  TestUpstream() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next request the app received, waiting a little for it. */
  Received next() throws InterruptedException {
    Received next = received.poll(10, TimeUnit.SECONDS);
    if (next == null) {
      throw new AssertionError("no request reached the upstream");
    }
    return next;
  }

  boolean nothingReceived() {
    return received.isEmpty();
  }

  void releaseSlow() {
    slow.countDown();
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  static byte[] pattern(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 31 + (i >>> 8));
    }
    return bytes;
  }

  @Override
  public void close() {
    slow.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      MessageDigest digest = digest();
      long length = 0;
      try (InputStream body = exchange.getRequestBody()) {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = body.read(buffer)) != -1) {
          digest.update(buffer, 0, n);
          length += n;
        }
      }
      Headers headers = exchange.getRequestHeaders();
      received.add(
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              Map.copyOf(headers),
              length,
              HexFormat.of().formatHex(digest.digest())));

      String path = exchange.getRequestURI().getPath();
      Headers out = exchange.getResponseHeaders();
      if (path.equals("/big")) {
        int bytes = Integer.parseInt(exchange.getRequestURI().getQuery().substring(6));
        byte[] all = pattern(bytes);
        out.set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream sink = exchange.getResponseBody()) {
          for (int off = 0; off < bytes; off += 65536) {
            sink.write(all, off, Math.min(65536, bytes - off));
          }
        }
      } else if (path.equals("/slow")) {
        out.set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, 0);
        OutputStream sink = exchange.getResponseBody();
        sink.write("first\n".getBytes(StandardCharsets.UTF_8));
        sink.flush();
        try {
          slow.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        sink.write("second\n".getBytes(StandardCharsets.UTF_8));
        sink.close();
      } else if (path.startsWith("/status/")) {
        int status = Integer.parseInt(path.substring(8));
        if (status == 302) {
          out.set("Location", "/elsewhere");
        }
        exchange.sendResponseHeaders(status, -1);
      } else {
        byte[] body = ("hello from the app: " + exchange.getRequestMethod())
            .getBytes(StandardCharsets.UTF_8);
        out.set("Content-Type", "text/plain; charset=utf-8");
        out.add("Set-Cookie", "app=1; Path=/");
        out.add("Set-Cookie", "theme=dark; Path=/");
        out.set("X-App", "yes");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream sink = exchange.getResponseBody()) {
          sink.write(body);
        }
      }
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
