package io.github.iapverifier.spring.proxies.servlet;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.servlet.IapFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Locale;
import java.util.TreeSet;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A servlet app for every proxy: with Spring Security (the starter's default chain, method
 * security) or, run with Spring Security hidden, behind the plain filter.
 */
@SpringBootApplication
public class ProxyServletApplication {

  /** Method security only when Spring Security is there. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @org.springframework.boot.autoconfigure.condition.ConditionalOnClass(
      name =
          "org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity")
  @EnableMethodSecurity
  static class MethodSecurity {}

  @RestController
  static class Pages {

    @GetMapping("/whoami")
    String whoami(HttpServletRequest request) {
      IapIdentity identity = IapFilter.identity(request).orElseThrow();
      return describe(request, identity);
    }

    @GetMapping("/healthz")
    String health(HttpServletRequest request) {
      return describe(request, null);
    }

    @GetMapping("/admins")
    @PreAuthorize("hasAuthority('IAP_GROUP_admins')")
    String admins(HttpServletRequest request) {
      return "admin " + request.getRemoteUser();
    }
  }

  /** The identity and every identity header the app sees, lower-case names, sorted. */
  public static String describe(HttpServletRequest request, IapIdentity identity) {
    TreeSet<String> headers = new TreeSet<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (io.github.iapverifier.web.IapIdentityHeaders.isIdentityHeader(lower)) {
        headers.add(lower + "=" + String.join(",", Collections.list(request.getHeaders(name))));
      }
    }
    return (identity == null ? "-" : identity.proxy().configName() + " " + identity.email())
        + " "
        + request.getRemoteUser()
        + " "
        + headers;
  }
}
