package io.github.iapverifier.servlet;

import io.github.iapverifier.web.IapHttpRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/** A servlet request as {@link io.github.iapverifier.web.IapRequestPipeline} reads it. */
final class ServletRequestView implements IapHttpRequest {

  private final HttpServletRequest request;

  ServletRequestView(HttpServletRequest request) {
    this.request = request;
  }

  @Override
  public String method() {
    return String.valueOf(request.getMethod());
  }

  @Override
  public String path() {
    return String.valueOf(request.getRequestURI());
  }

  /**
   * The raw request URI without the context path, or null when the container's own view of the path
   * (servlet path + path info, decoded and normalised by it) differs: then the path is not in
   * normal form, or the container maps it in a way we do not know, and nothing is exempt.
   */
  @Override
  public String pathWithinApplication() {
    try {
      String uri = request.getRequestURI();
      String context = request.getContextPath();
      if (uri == null || context == null || !uri.startsWith(context)) {
        return null;
      }
      String raw = uri.substring(context.length());
      String servletPath = request.getServletPath();
      String pathInfo = request.getPathInfo();
      String containerPath =
          (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
      return raw.equals(containerPath) ? raw : null;
    } catch (RuntimeException e) {
      // Some containers throw on ambiguous paths: not normal form, so not exempt.
      return null;
    }
  }

  @Override
  public List<String> headers(String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null || !values.hasMoreElements()) {
      return List.of();
    }
    List<String> list = new ArrayList<>(1);
    while (values.hasMoreElements()) {
      list.add(values.nextElement());
    }
    return list;
  }

  @Override
  public String remoteAddress() {
    return request.getRemoteAddr();
  }
}
