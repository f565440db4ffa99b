package io.github.iapverifier.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.setup.MockMvcBuilders.webAppContextSetup;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.spring.IapAuthenticationToken;
import io.github.iapverifier.test.AutoConfigureFakeIap;
import io.github.iapverifier.test.FakeIap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.WebApplicationContext;

/** {@code @WithIapUser}: method security and controllers without HTTP or tokens. */
@SpringBootTest(properties = "iap.authorities.ROLE_ADMIN=alice@example.com")
@AutoConfigureFakeIap
class WithIapUserTest {

  // tag::withiapuser[]
  @Autowired TestedApplication.Reports reports;

  @Test
  @WithIapUser("alice@example.com") // granted ROLE_ADMIN by iap.authorities
  void adminReportWhenAdminThenAllowed() {
    assertThat(reports.adminReport()).isEqualTo("report for alice@example.com");
  }

  @Test
  @WithIapUser(email = "bob@example.com", hostedDomain = "example.com")
  void adminReportWhenNotAdminThenDenied() {
    assertThatThrownBy(reports::adminReport).isInstanceOf(AccessDeniedException.class);
  }

  // end::withiapuser[]

  @Autowired WebApplicationContext context;
  @Autowired IapVerifier verifier;

  @Test
  @WithIapUser(
      email = "carol@example.com",
      accessLevels = "accessPolicies/7/accessLevels/corp_devices")
  void securityContextWhenWithIapUserThenSameTokenAsAVerifiedRequest() {
    IapAuthenticationToken token =
        (IapAuthenticationToken) SecurityContextHolder.getContext().getAuthentication();
    IapIdentity identity = token.identity();

    assertThat(token.getName()).isEqualTo("carol@example.com");
    assertThat(token.getPrincipal()).isSameAs(identity);
    assertThat(identity.subject()).isEqualTo(FakeIap.googleSubject("carol@example.com"));
    assertThat(identity.hostedDomain()).hasValue("example.com");
    assertThat(identity.audience()).isEqualTo(verifier.audiences().get(0).value());
    assertThat(identity.claims()).containsEntry("email", "carol@example.com");
    assertThat(token.getAuthorities())
        .extracting(GrantedAuthority::getAuthority)
        .containsExactly("IAP_USER", "IAP_DOMAIN_example.com", "IAP_ACCESS_LEVEL_7_corp_devices");
  }

  @Test
  @WithIapUser(email = "dan@gmail.com", hostedDomain = "")
  void securityContextWhenConsumerAccountThenNoDomainAuthority() {
    assertThat(SecurityContextHolder.getContext().getAuthentication().getAuthorities())
        .extracting(GrantedAuthority::getAuthority)
        .containsExactly("IAP_USER");
  }

  @Test
  @WithIapUser("alice@example.com")
  void helloWhenMockMvcWithoutHeaderThenPrincipalFromAnnotation() throws Exception {
    webAppContextSetup(context)
        .apply(springSecurity())
        .build()
        .perform(get("/hello"))
        .andExpect(content().string("Hello alice@example.com"));
  }
}
