package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerificationException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes rejections exactly as the servlet filter does (RFC 9457 problem+json, 401/403/503).
 * TEMPORARY format copy until the servlet module's shared writer is merged.
 */
final class IapResponses {

  private IapResponses() {}

  static void write(HttpServletResponse response, IapVerificationException failure)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    int status =
        switch (failure.reason()) {
          case POLICY_DENIED -> 403;
          case KEYS_UNAVAILABLE -> 503;
          default -> 401;
        };
    response.resetBuffer();
    response.setStatus(status);
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "IAP");
    } else if (status == 503) {
      response.setHeader("Retry-After", "30");
    }
    response.setHeader("Cache-Control", "no-store");
    String title = status == 403 ? "Forbidden" : status == 503 ? "Service Unavailable" : "Unauthorized";
    String json =
        "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
            + ",\"detail\":\"" + failure.getMessage().replace("\\", "\\\\").replace("\"", "\\\"")
            + "\",\"reason\":\"" + failure.reason().name() + "\"}";
    byte[] body = json.getBytes(StandardCharsets.US_ASCII);
    response.setContentType("application/problem+json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }
}
