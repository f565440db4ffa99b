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
            "IAP_ACCESS_LEVEL_1_corp_devices",
            "IAP_ACCESS_LEVEL_2_eu");
  }

  // Regression (issue 14): both levels used to map to IAP_ACCESS_LEVEL_corp_devices.
  @Test
  void authoritiesWhenSameLevelNameInTwoPoliciesThenDistinctAuthorities() {
    IapIdentity scoped =
        verifier.verify(
            iap.token().accessLevels("accessPolicies/999/accessLevels/corp_devices").build());

    assertThat(authorities(scoped))
        .contains("IAP_ACCESS_LEVEL_999_corp_devices")
        .doesNotContain("IAP_ACCESS_LEVEL_1_corp_devices", "IAP_ACCESS_LEVEL_corp_devices");
  }

  @Test
  void authoritiesWhenAccessLevelNotInIapFormThenNoAuthorityForIt() {
    IapIdentity who =
        verifier.verify(
            iap.token()
                .accessLevels(
                    "corp_devices",
                    "accessPolicies/1/accessLevels/a/b",
                    "accessPolicies/x/accessLevels/c")
                .build());

    assertThat(authorities(who)).containsExactly("IAP_USER", "IAP_DOMAIN_example.com");
  }

  // Regression (issue 14): toLowerCase(Locale.ROOT) folded the Kelvin sign U+212A into 'k'.
  @Test
  void authoritiesWhenEmailOrDomainHasKelvinSignThenNotGranted() {
    IapAuthoritiesMapper kelvin =
        IapAuthoritiesMapper.standard(
            Map.of("ROLE_K", List.of("kim@kelvin.example"), "ROLE_D", List.of("@kelvin.example")));
    IapIdentity lookalike =
        verifier.verify(
            iap.token()
                .email("\u212Aim@\u212Aelvin.example")
                .hostedDomain("\u212Aelvin.example")
                .build());
    IapIdentity upper =
        verifier.verify(
            iap.token().email("KIM@Kelvin.Example").hostedDomain("KELVIN.example").build());

    assertThat(kelvin.authorities(lookalike))
        .extracting(GrantedAuthority::getAuthority)
        .containsExactly("IAP_USER");
    assertThat(kelvin.authorities(upper))
        .extracting(GrantedAuthority::getAuthority)
        .contains("ROLE_K", "ROLE_D", "IAP_DOMAIN_kelvin.example");
  }

  // Regression (issue 14): a Workforce Identity Federation identity got Google-account grants.
  @Test
  void authoritiesWhenIdentitySourceIsNotGoogleThenNoEmailOrDomainGrants() {
    for (String source : new String[] {"WORKFORCE_IDENTITY_FEDERATION", "gcip"}) {
      IapIdentity who =
          verifier.verify(
              iap.token()
                  .email("alice@ops.example.com")
                  .hostedDomain("ops.example.com")
                  .claim("identity_source", source)
                  .build());

      assertThat(who.source()).isEqualTo(IapIdentity.Source.OTHER);
      assertThat(authorities(who)).as(source).doesNotContain("ROLE_ADMIN");
    }
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
