package io.github.iapverifier.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} will not send: a Host of our
 * choosing, several Hosts or none, odd header names, request targets as written.
 */
final class RawHttp {

  /** A response as it came off the wire. */
  record Response(int status, List<String[]> headers, String body) {

    /** All values of a header, by case-insensitive name. */
    List<String> header(String name) {
      List<String> values = new ArrayList<>();
      for (String[] header : headers) {
        if (header[0].equalsIgnoreCase(name)) {
          values.add(header[1]);
        }
      }
      return values;
    }
  }

  private RawHttp() {}

  /**
   * Sends the request head lines (request line first, no trailing blank line; {@code Connection:
   * close} is added) and the body, and reads the whole response.
   */
  static Response send(int port, String body, String... head) throws IOException {
    StringBuilder request = new StringBuilder();
    for (String line : head) {
      request.append(line).append("\r\n");
    }
    if (!body.isEmpty()) {
      request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n");
    }
    request.append("Connection: close\r\n\r\n").append(body);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static Response get(int port, String target, String... headers) throws IOException {
    String[] head = new String[headers.length + 1];
    head[0] = "GET " + target + " HTTP/1.1";
    System.arraycopy(headers, 0, head, 1, headers.length);
    return send(port, "", head);
  }

  private static Response parse(String raw) {
    int end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("not an HTTP response: " + raw);
    }
    String[] lines = raw.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.add(
          new String[] {
            lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip()
          });
    }
    return new Response(status, headers, raw.substring(end + 4));
  }
}
