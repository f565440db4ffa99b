package io.github.iapverifier.servlet;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** A real embedded Jetty 12 on a loopback port, and the HTTP clients the tests talk to it with. */
final class Jetty implements AutoCloseable {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  final Server server;
  final int port;

  private Jetty(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  static Jetty start(Handler handler) {
    return start(handler, UriCompliance.DEFAULT);
  }

  /** Starts Jetty; a lax {@code compliance} lets odd paths reach the filter unrejected. */
  static Jetty start(Handler handler, UriCompliance compliance) {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("jetty-test");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setUriCompliance(compliance);
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(handler);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // reporting the start failure matters more
      }
      throw new IllegalStateException("Jetty did not start", e);
    }
    return new Jetty(server, connector.getLocalPort());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** GET with header name/value pairs; a name may repeat to send two values. */
  HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, headers);
  }

  HttpResponse<String> send(String method, String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends a request byte for byte as written, for targets and header spellings that an HTTP client
   * would normalise ({@code /a/../b}, {@code //b}, upper-case header names).
   */
  Raw raw(String method, String target, String... headerLines) {
    StringBuilder request = new StringBuilder();
    request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    request.append("Host: 127.0.0.1:").append(port).append("\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return Raw.parse(all.toString(ISO_8859_1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A raw HTTP/1.1 response; header names lower-cased; chunked bodies decoded. */
  record Raw(int status, Map<String, String> headers, String body) {
    static Raw parse(String text) {
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        throw new IllegalStateException("no complete response: " + text);
      }
      List<String> lines = List.of(text.substring(0, end).split("\r\n"));
      int status = Integer.parseInt(lines.get(0).split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip());
      }
      String body = text.substring(end + 4);
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = dechunk(body);
      }
      return new Raw(
          status, headers, new String(body.getBytes(ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
      StringBuilder out = new StringBuilder();
      int at = 0;
      while (true) {
        int lineEnd = body.indexOf("\r\n", at);
        int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].strip(), 16);
        if (size == 0) {
          return out.toString();
        }
        out.append(body, lineEnd + 2, lineEnd + 2 + size);
        at = lineEnd + 2 + size + 2;
      }
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }
}
