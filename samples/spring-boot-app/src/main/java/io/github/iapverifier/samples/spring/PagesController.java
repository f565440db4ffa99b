package io.github.iapverifier.samples.spring;

import io.github.iapverifier.IapIdentity;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/** The sample's pages; the templates are in {@code src/main/resources/templates}. */
@Controller
class PagesController {

  @GetMapping("/")
  String identity(
      @AuthenticationPrincipal IapIdentity who, Authentication authentication, Model model) {
    // Verified from the signed x-goog-iap-jwt-assertion; the plain x-goog-authenticated-user-*
    // headers prove nothing and the app never reads them.
    model.addAttribute("who", who);
    model.addAttribute("secondsLeft", Duration.between(Instant.now(), who.expiresAt()).toSeconds());
    model.addAttribute(
        "authorities",
        authentication.getAuthorities().stream()
            .map(GrantedAuthority::getAuthority)
            .sorted()
            .toList());
    return "identity";
  }

  @GetMapping("/admin")
  String admin(@AuthenticationPrincipal IapIdentity who, Model model) {
    // Only reached with the ADMIN authority: SecurityConfiguration answers 403 to everyone else.
    model.addAttribute("who", who);
    return "admin";
  }

  @GetMapping("/healthz")
  @ResponseBody
  String health() {
    return "ok";
  }
}
