package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.spring.customchain.CustomChainApplication;
import io.github.iapverifier.test.FakeIap;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A user-defined chain with {@code IapConfigurer} and rules on the mapped authorities. */
@SpringBootTest(
    classes = CustomChainApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "iap.authorities.ROLE_ADMIN=alice@example.com,@ops.example.com",
      "iap.authorities.AUDITOR=Carol@Example.com"
    })
class CustomChainTest {

  static final FakeIap iap = FakeIap.start();

  @DynamicPropertySource
  static void iapProperties(DynamicPropertyRegistry registry) {
    registry.add("iap.jwks-uri", () -> iap.jwksUri().toString());
    registry.add("iap.audiences", () -> iap.audience().value());
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  @LocalServerPort int port;
  @Autowired Map<String, SecurityFilterChain> chains;
  @Autowired org.springframework.context.ApplicationContext context;

  HttpResponse<String> get(String path, String... assertions) {
    return new Http(port).get(path, assertions);
  }

  @Test
  void contextWhenAppDefinesChainThenNoDefaultChain() {
    assertThat(chains).containsOnlyKeys("appSecurity");
  }

  @Test
  void contextWhenAppDefinesChainThenNoGeneratedPasswordUser() {
    // Spring Boot would otherwise create an in-memory user with a generated password.
    assertThat(
            context.getBeanNamesForType(
                org.springframework.security.core.userdetails.UserDetailsService.class))
        .isEmpty();
    assertThat(context.getBeanNamesForType(org.springframework.security.authentication.AuthenticationManager.class))
        .containsExactly("iapNoPasswordAuthenticationManager");
  }

  @Test
  void meWhenWorkspaceUserThenNameAndStandardAuthorities() {
    HttpResponse<String> response =
        get(
            "/me",
            iap.token()
                .email("bob@example.com")
                .accessLevels("accessPolicies/42/accessLevels/corp_devices")
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .startsWith("bob@example.com accounts.google.com:")
        .endsWith(" IAP_ACCESS_LEVEL_42_corp_devices,IAP_DOMAIN_example.com,IAP_USER");
  }

  @Test
  void adminWhenStaticGrantByEmailThenHasRole() {
    HttpResponse<String> response =
        get("/admin/me", iap.token().email("alice@example.com").build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("ROLE_ADMIN");
  }

  @Test
  void adminWhenStaticGrantByWorkspaceDomainThenHasRole() {
    HttpResponse<String> response =
        get(
            "/admin/me",
            iap.token().email("dan@ops.example.com").hostedDomain("ops.example.com").build());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void adminWhenConsumerAccountInGrantedDomainThen403() {
    // Anyone can open a consumer Google account under an address of any domain.
    HttpResponse<String> response =
        get("/admin/me", iap.token().email("mallory@ops.example.com").consumerAccount().build());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body())
        .startsWith(Http.problemPrefix(403))
        .endsWith(Http.problemSuffix("POLICY_DENIED"));
  }

  @Test
  void adminWhenIdentityPlatformUserWithGrantedEmailThen403() {
    HttpResponse<String> response =
        get(
            "/admin/me",
            iap.token().email("alice@example.com").identityPlatform("ext-proj").build());

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void adminWhenUserWithoutGrantThen403Problem() {
    HttpResponse<String> response = get("/admin/me", iap.token().email("bob@example.com").build());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).endsWith(Http.problemSuffix("POLICY_DENIED"));
  }

  @Test
  void auditWhenGrantedEmailDiffersInCaseThenHasAuthority() {
    assertThat(get("/audit/me", iap.token().email("carol@example.com").build()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void corpWhenAccessLevelMissingThen403AndWhenPresentThen200() {
    assertThat(get("/corp/me", iap.token().build()).statusCode()).isEqualTo(403);
    assertThat(
            get(
                    "/corp/me",
                    iap.token().accessLevels("accessPolicies/123/accessLevels/corp_devices").build())
                .statusCode())
        .isEqualTo(200);
    // The same level name in another (scoped) policy is another level.
    assertThat(
            get(
                    "/corp/me",
                    iap.token().accessLevels("accessPolicies/999/accessLevels/corp_devices").build())
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void anyWhenOtherWorkspaceDomainThen403() {
    assertThat(
            get("/me", iap.token().email("x@other.org").hostedDomain("other.org").build())
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void publicWhenNoAssertionThenPermitted() {
    HttpResponse<String> response = get("/public");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("public");
  }

  @Test
  void publicWhenInvalidAssertionThen401() {
    // Only IAP sets the header: a bad one is an attack or a misconfiguration, wherever it goes.
    HttpResponse<String> response = get("/public", iap.token(FakeIap.SecureTokenTest.SIGNATURE));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith(Http.problemSuffix("BAD_SIGNATURE"));
  }

  @Test
  void meWhenNoAssertionThen401Missing() {
    HttpResponse<String> response = get("/me");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith(Http.problemSuffix("MISSING"));
  }
}
