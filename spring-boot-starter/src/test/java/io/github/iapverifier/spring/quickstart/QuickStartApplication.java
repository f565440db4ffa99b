package io.github.iapverifier.spring.quickstart;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The README's quick-start app, run for real by {@code QuickStartTest}. */
@SpringBootApplication
public class QuickStartApplication {

  public static void main(String[] args) {
    SpringApplication.run(QuickStartApplication.class, args);
  }
}
