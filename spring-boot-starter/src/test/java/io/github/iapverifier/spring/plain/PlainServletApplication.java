package io.github.iapverifier.spring.plain;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.servlet.IapFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An app without Spring Security: the starter registers the servlet filter. */
@SpringBootApplication
public class PlainServletApplication {

  @RestController
  static class WhoAmI {

    @GetMapping("/whoami")
    String whoami(HttpServletRequest request) {
      return request.getRemoteUser()
          + " "
          + request.getUserPrincipal().getName()
          + " "
          + IapFilter.identity(request).map(IapIdentity::subject).orElse("-");
    }

    @GetMapping("/healthz")
    String health() {
      return "ok";
    }
  }
}
