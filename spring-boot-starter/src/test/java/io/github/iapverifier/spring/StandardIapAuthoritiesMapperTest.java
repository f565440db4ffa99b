package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;

/** The standard mapping, on identities verified from real tokens. */
class StandardIapAuthoritiesMapperTest {

  static FakeIap iap;
  static IapVerifier verifier;

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
    verifier = iap.verifierBuilder().build();
  }

  @AfterAll
  static void stop() {
    verifier.close();
    iap.close();
  }

  private final IapAuthoritiesMapper mapper =
      IapAuthoritiesMapper.standard(
          Map.of(
              "ROLE_ADMIN", List.of("Alice@Example.com", "@ops.example.com"),
              "AUDITOR", List.of(" carol@example.com ")));

  private List<String> authorities(IapIdentity identity) {
    Collection<? extends GrantedAuthority> granted = mapper.authorities(identity);
    return granted.stream().map(GrantedAuthority::getAuthority).toList();
  }

  @Test
  void authoritiesWhenWorkspaceUserWithLevelsThenStandardOnes() {
    IapIdentity who =
        verifier.verify(
            iap.token()
                .email("bob@example.com")
                .accessLevels(
                    "accessPolicies/1/accessLevels/corp_devices",
                    "accessPolicies/2/accessLevels/eu")
                .build());

    assertThat(authorities(who))
        .containsExactly(
            "IAP_USER",
            "IAP_DOMAIN_example.com",
            "IAP_ACCESS_LEVEL_corp_devices",
            "IAP_ACCESS_LEVEL_eu");
  }

  @Test
  void authoritiesWhenEmailGrantInOtherCaseThenGranted() {
    assertThat(authorities(verifier.verify(iap.token().email("alice@example.com").build())))
        .contains("ROLE_ADMIN");
    assertThat(authorities(verifier.verify(iap.token().email("carol@example.com").build())))
        .contains("AUDITOR");
  }

  @Test
  void authoritiesWhenWorkspaceAccountOfGrantedDomainThenGranted() {
    IapIdentity who =
        verifier.verify(
            iap.token().email("x@ops.example.com").hostedDomain("ops.example.com").build());

    assertThat(authorities(who)).contains("ROLE_ADMIN", "IAP_DOMAIN_ops.example.com");
  }

  @Test
  void authoritiesWhenSubdomainOfGrantedDomainThenNotGranted() {
    IapIdentity who =
        verifier.verify(
            iap.token()
                .email("x@evil.ops.example.com")
                .hostedDomain("evil.ops.example.com")
                .build());

    assertThat(authorities(who)).doesNotContain("ROLE_ADMIN");
  }

  @Test
  void authoritiesWhenConsumerAccountOfGrantedDomainThenNotGranted() {
    IapIdentity who =
        verifier.verify(iap.token().email("x@ops.example.com").consumerAccount().build());

    assertThat(authorities(who)).containsExactly("IAP_USER");
  }

  @Test
  void authoritiesWhenIdentityPlatformUserWithGrantedEmailThenNotGranted() {
    IapIdentity who =
        verifier.verify(iap.token().email("alice@example.com").identityPlatform("ext").build());

    assertThat(who.email()).endsWith(":alice@example.com");
    assertThat(authorities(who)).containsExactly("IAP_USER");
  }

  @Test
  void standardWhenEntryIsNeitherEmailNorDomainThenRejectedNamingIt() {
    for (String bad : new String[] {"alice", "@", "a@b@c", "alice@", "@a@b"}) {
      assertThatThrownBy(() -> IapAuthoritiesMapper.standard("ROLE_X", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("iap.authorities.ROLE_X");
    }
  }
}
