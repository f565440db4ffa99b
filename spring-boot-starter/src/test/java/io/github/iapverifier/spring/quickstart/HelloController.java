package io.github.iapverifier.spring.quickstart;

// tag::controller[]
import io.github.iapverifier.IapIdentity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class HelloController {

  @GetMapping("/hello")
  String hello(@AuthenticationPrincipal IapIdentity who) {
    return "Hello " + who.email(); // verified by IAP's signature, not a forgeable header
  }
}
// end::controller[]
