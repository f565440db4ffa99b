package io.github.iapverifier.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request view built by hand, as an adapter would present its own request. */
final class TestRequest implements IapHttpRequest {

  private final String method;
  private final String path;
  private final Map<String, List<String>> headers = new LinkedHashMap<>();

  private TestRequest(String method, String path) {
    this.method = method;
    this.path = path;
  }

  static TestRequest get(String path) {
    return new TestRequest("GET", path);
  }

  static TestRequest of(String method, String path) {
    return new TestRequest(method, path);
  }

  TestRequest header(String name, String value) {
    headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
    return this;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return "/ctx" + path;
  }

  @Override
  public String pathWithinApplication() {
    return path;
  }

  @Override
  public List<String> headers(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  @Override
  public String remoteAddress() {
    return "192.0.2.7";
  }
}
