package io.github.iapverifier.web;

import java.util.List;

/**
 * The few parts of an HTTP request that {@link IapRequestPipeline} reads, so that every HTTP stack
 * (servlet, reactive, ...) feeds it the same way. An adapter implements it as a thin view over its
 * own request type; nothing is copied.
 *
 * <p>Implementations need not be thread-safe: the pipeline reads a view on the thread that calls
 * it, during the call.
 */
public interface IapHttpRequest {

  /**
   * Returns the request method as sent.
   *
   * @return the method, such as {@code GET}, never null
   */
  String method();

  /**
   * Returns the request path as sent (percent-encoded, without the query), for the rejection log
   * line only.
   *
   * @return the path, never null
   */
  String path();

  /**
   * Returns the path within the application (the context path removed), still percent-encoded,
   * without the query. Excluded paths are matched on it, only when it is already in normal form
   * (see {@link IapRequestPipeline.Builder#excludedPaths(String...)}).
   *
   * @return the raw path within the application, or null when the adapter cannot tell it reliably
   *     (then nothing is exempt)
   */
  String pathWithinApplication();

  /**
   * Returns every value of a header, in order, looking the name up case-insensitively.
   *
   * @param name the header name, not null
   * @return the values, empty when the header is absent, never null
   */
  List<String> headers(String name);

  /**
   * Returns the client's address, for the rejection log line only.
   *
   * @return the address as the HTTP stack reports it, or null if unknown
   */
  String remoteAddress();

  /**
   * Makes text a client controls safe for a log line or an error message: at most 200 characters
   * (then {@code ...}), every character outside printable ASCII replaced by {@code ?}, so that it
   * can neither forge log lines nor flood them.
   *
   * @param text the text, may be null
   * @return the printable text ({@code "null"} for null), never null
   */
  static String printable(String text) {
    if (text == null) {
      return "null";
    }
    int max = 200;
    StringBuilder b = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && i < max; i++) {
      char c = text.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return text.length() > max ? b.append("...").toString() : b.toString();
  }
}
