package io.github.iapverifier.test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The HTTP side of every fake proxy: a server on a free loopback port that serves public keys,
 * counts the requests for them and can play an outage of the proxy's key endpoint. Thread-safe.
 */
final class KeyEndpoint implements AutoCloseable {

  /** What one key request is answered with; null from the responder means 404. */
  record Answer(String body, String contentType, String cacheControl) {}

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean outage;

  /**
   * Starts serving.
   *
   * @param path the context path (every path under it reaches {@code responder})
   * @param responder from the path requested to the answer, or null for 404
   * @param what what the endpoint is, for the error message
   */
  KeyEndpoint(String path, Function<String, Answer> responder, String what) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for the " + what, e);
    }
    server.createContext(path, exchange -> serve(exchange, responder));
    server.start();
  }

  /** {@code http://127.0.0.1:PORT} (the loopback address), without a trailing slash. */
  URI baseUri() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
  }

  int requests() {
    return requests.get();
  }

  void resetRequests() {
    requests.set(0);
  }

  void outage(boolean down) {
    this.outage = down;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void serve(HttpExchange exchange, Function<String, Answer> responder) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      if (outage) {
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      Answer answer = responder.apply(exchange.getRequestURI().getRawPath());
      if (answer == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      if (answer.cacheControl() != null) {
        exchange.getResponseHeaders().set("Cache-Control", answer.cacheControl());
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
