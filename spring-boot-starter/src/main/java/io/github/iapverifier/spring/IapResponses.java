package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.servlet.IapProblemResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Writes rejections with the servlet module's {@link IapProblemResponse}, so that the Spring
 * Security path answers with the very bytes, status and headers of the servlet {@code IapFilter}.
 */
final class IapResponses {

  private IapResponses() {}

  static void write(HttpServletResponse response, IapVerificationException failure)
      throws IOException {
    IapProblemResponse.of(failure).writeTo(response);
  }

  /** Bounded, control-character-free text of request data for logs. */
  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > 200 ? b.append("...").toString() : b.toString();
  }
}
