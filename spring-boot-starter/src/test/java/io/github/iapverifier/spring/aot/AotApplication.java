package io.github.iapverifier.spring.aot;

import io.github.iapverifier.IapIdentity;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The small app {@link AotModeTest} processes ahead of time and starts in AOT mode. */
@SpringBootApplication
@RestController
public class AotApplication {

  @GetMapping("/hello")
  String hello(@AuthenticationPrincipal IapIdentity who) {
    return "hello " + who.email();
  }

  public static void main(String[] args) {
    SpringApplication.run(AotApplication.class, args);
  }
}
