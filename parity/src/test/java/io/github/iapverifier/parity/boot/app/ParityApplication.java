package io.github.iapverifier.parity.boot.app;

import io.github.iapverifier.parity.Echo;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.View;

/**
 * The parity endpoints as a Spring MVC app. The error page is Spring Boot's own error controller,
 * whose HTML view ({@code error}) is replaced by the {@link Echo} line.
 */
@SpringBootApplication
public class ParityApplication {

  @RestController
  static class Endpoints {

    @GetMapping({"/whoami", "/healthz"})
    String whoami(HttpServletRequest request) {
      return Echo.of(request, 200);
    }

    /** Written on the async dispatch that Spring MVC makes once the callable is done. */
    @GetMapping("/async/whoami")
    Callable<String> async(HttpServletRequest request) {
      return () -> Echo.of(request, 200);
    }

    @GetMapping("/boom")
    String boom() {
      throw new IllegalStateException("boom");
    }
  }

  /** Spring Boot's error controller renders this bean for HTML clients. */
  @Bean
  View error() {
    return new View() {
      /** What the client accepts, so that view resolution picks this view. */
      @Override
      public String getContentType() {
        return "text/html";
      }

      @Override
      public void render(
          Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
          throws Exception {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer ? (Integer) code : response.getStatus();
        response.setContentType("text/plain");
        response.getWriter().write(Echo.of(request, status));
      }
    };
  }
}
