package io.github.iapverifier.web;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapIdentity.Source;
import io.github.iapverifier.IapProxy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IapIdentityHeadersTest {

  /** Every proxy's identity headers, as a client would forge them. */
  static final Map<String, List<String>> FORGED =
      Map.of(
          "x-goog-authenticated-user-email", List.of("accounts.google.com:boss@example.com"),
          "X-Goog-Authenticated-User-Id", List.of("accounts.google.com:1"),
          "cf-access-authenticated-user-email", List.of("boss@example.com"),
          "X-Amzn-Oidc-Identity", List.of("boss"),
          "x-amzn-oidc-accesstoken", List.of("forged-token"),
          "X-Pomerium-Claim-Email", List.of("boss@example.com"),
          "x-pomerium-claim-groups", List.of("admins"));

  static IapIdentity identity(IapProxy proxy, String email, String subject, Map<String, Object> c) {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    return new IapIdentity(
        email,
        subject,
        Optional.empty(),
        List.of(),
        now,
        now.plusSeconds(300),
        "aud",
        Source.OTHER,
        Optional.empty(),
        c,
        proxy,
        List.of());
  }

  @Test
  void isIdentityHeaderWhenAnyProxysUnsignedHeaderThenTrueWhateverTheCase() {
    assertThat(FORGED.keySet()).allMatch(IapIdentityHeaders::isIdentityHeader);
    assertThat(IapIdentityHeaders.isIdentityHeader("X-POMERIUM-CLAIM-")).isTrue();
  }

  @Test
  void isIdentityHeaderWhenAssertionOrOtherHeaderThenFalse() {
    for (IapProxy proxy : IapProxy.values()) {
      assertThat(IapIdentityHeaders.isIdentityHeader(proxy.header())).isFalse();
    }
    assertThat(IapIdentityHeaders.isIdentityHeader("x-amzn-oidc-data")).isFalse();
    assertThat(IapIdentityHeaders.isIdentityHeader("X-Pomerium-Claim")).isFalse();
    assertThat(IapIdentityHeaders.isIdentityHeader("Accept")).isFalse();
    assertThat(IapIdentityHeaders.isIdentityHeader(null)).isFalse();
  }

  @Test
  void ofWhenNoIdentityThenEveryHeaderRemoved() {
    assertThat(IapIdentityHeaders.of(null, FORGED)).isEmpty();
  }

  @Test
  void ofWhenGoogleThenLegacyHeadersInIapFormatOnly() {
    IapIdentity ana =
        new IapIdentity(
            "ana@example.com",
            "accounts.google.com:42",
            Optional.empty(),
            List.of(),
            Instant.EPOCH,
            Instant.EPOCH.plusSeconds(600),
            "aud",
            Source.GOOGLE,
            Optional.empty(),
            Map.of());

    assertThat(IapIdentityHeaders.of(ana, FORGED))
        .containsOnly(
            entry("x-goog-authenticated-user-email", "accounts.google.com:ana@example.com"),
            entry("x-goog-authenticated-user-id", "accounts.google.com:42"));
  }

  @Test
  void ofWhenCloudflareThenEmailHeaderFromIdentityAndOthersRemoved() {
    IapIdentity ana = identity(IapProxy.CLOUDFLARE_ACCESS, "ana@example.com", "7335d417", Map.of());

    Map<String, String> headers = IapIdentityHeaders.of(ana, FORGED);

    assertThat(headers).containsOnly(entry(IapIdentityHeaders.CF_EMAIL, "ana@example.com"));
    assertThat(headers.get("CF-ACCESS-AUTHENTICATED-USER-EMAIL")).isEqualTo("ana@example.com");
  }

  @Test
  void ofWhenCloudflareServiceTokenThenNoEmailHeader() {
    // As the core builds it: the Client ID stands where a user's email would.
    IapIdentity service =
        identity(
            IapProxy.CLOUDFLARE_ACCESS, "abc.access", "service-token:abc.access", Map.of());

    assertThat(IapIdentityHeaders.of(service, FORGED)).isEmpty();
  }

  @Test
  void ofWhenAlbThenIdentityFromSubjectAndAccessTokenPassedOn() {
    IapIdentity ana = identity(IapProxy.AWS_ALB, "ana@example.com", "sub-123", Map.of());

    assertThat(IapIdentityHeaders.of(ana, FORGED))
        .containsOnly(
            entry(IapIdentityHeaders.ALB_IDENTITY, "sub-123"),
            entry(IapIdentityHeaders.ALB_ACCESS_TOKEN, "forged-token"));
  }

  @Test
  void ofWhenAlbAccessTokenSentTwiceThenRemoved() {
    IapIdentity ana = identity(IapProxy.AWS_ALB, "ana@example.com", "sub-123", Map.of());

    assertThat(
            IapIdentityHeaders.of(
                ana, Map.of(IapIdentityHeaders.ALB_ACCESS_TOKEN, List.of("a", "b"))))
        .containsOnly(entry(IapIdentityHeaders.ALB_IDENTITY, "sub-123"));
  }

  @Test
  void ofWhenPomeriumThenSentClaimHeadersRewrittenFromClaims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("email", "ana@example.com");
    claims.put("groups", List.of("devs", "ops"));
    IapIdentity ana = identity(IapProxy.POMERIUM, "ana@example.com", "sub-1", claims);
    Map<String, List<String>> sent = new LinkedHashMap<>(FORGED);
    sent.put("X-Pomerium-Claim-Nickname", List.of("boss"));

    assertThat(IapIdentityHeaders.of(ana, sent))
        .containsOnly(
            entry("X-Pomerium-Claim-Email", "ana@example.com"),
            entry("x-pomerium-claim-groups", "devs,ops"));
  }

  @Test
  void ofWhenPomeriumClaimIsObjectOrHasLineBreakThenHeaderRemoved() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("email", "ana@example.com\r\nX-Admin: true");
    claims.put("address", Map.of("city", "Bern"));
    IapIdentity ana = identity(IapProxy.POMERIUM, "ana@example.com", "sub-1", claims);

    assertThat(
            IapIdentityHeaders.of(
                ana,
                Map.of(
                    "X-Pomerium-Claim-Email", List.of("x"),
                    "X-Pomerium-Claim-Address", List.of("y"))))
        .isEmpty();
  }
}
