package io.github.iapverifier.spring.test;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.spring.IapAuthenticationToken;
import io.github.iapverifier.spring.IapAuthoritiesMapper;
import io.github.iapverifier.spring.IapProperties;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.test.context.support.WithSecurityContextFactory;

/**
 * Builds the security context of {@link WithIapUser}. Spring Security's test support creates it
 * through the test's application context, which injects the app's mapper, verifier (for the
 * audience) and properties when they exist.
 */
final class WithIapUserSecurityContextFactory implements WithSecurityContextFactory<WithIapUser> {

  /** {@code FakeIap.DEFAULT_AUDIENCE}, used without an application context. */
  static final String DEFAULT_AUDIENCE = "/projects/1234567890/apps/fake-iap";

  private IapAuthoritiesMapper mapper;
  private IapVerifier verifier;
  private IapProperties properties;
  private SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

  @Autowired(required = false)
  void setAuthoritiesMapper(IapAuthoritiesMapper mapper) {
    this.mapper = mapper;
  }

  @Autowired(required = false)
  void setVerifier(IapVerifier verifier) {
    this.verifier = verifier;
  }

  @Autowired(required = false)
  void setProperties(IapProperties properties) {
    this.properties = properties;
  }

  @Autowired(required = false)
  void setSecurityContextHolderStrategy(SecurityContextHolderStrategy contexts) {
    this.contexts = contexts;
  }

  @Override
  public SecurityContext createSecurityContext(WithIapUser user) {
    String email = user.email().strip();
    if (email.isEmpty() || email.indexOf('@') <= 0) {
      throw new IllegalArgumentException(
          "@WithIapUser email must be an address, got '" + email + "'");
    }
    Optional<String> hd =
        user.hostedDomain().isBlank() ? Optional.empty() : Optional.of(user.hostedDomain().strip());
    List<String> levels = List.of(user.accessLevels());
    String subject =
        user.subject().isBlank() ? "accounts.google.com:" + digits(email) : user.subject();
    String audience = verifier != null ? verifier.audiences().get(0).value() : DEFAULT_AUDIENCE;
    Instant issued = Instant.now();
    Instant expires = issued.plus(Duration.ofMinutes(10));

    // The claims as IAP writes them, so code that reads identity.claims() sees the real shape.
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", audience);
    claims.put("iss", IapVerifier.ISSUER);
    claims.put("iat", issued.getEpochSecond());
    claims.put("exp", expires.getEpochSecond());
    claims.put("sub", subject);
    claims.put("email", email);
    claims.put("identity_source", "GOOGLE");
    hd.ifPresent(d -> claims.put("hd", d));
    if (!levels.isEmpty()) {
      claims.put("google", Map.of("access_levels", levels));
    }
    IapIdentity identity =
        new IapIdentity(
            email,
            subject,
            hd,
            levels,
            Instant.ofEpochSecond(issued.getEpochSecond()),
            Instant.ofEpochSecond(expires.getEpochSecond()),
            audience,
            IapIdentity.Source.GOOGLE,
            Optional.empty(),
            claims);

    IapAuthoritiesMapper m = mapper;
    if (m == null) {
      m =
          properties == null
              ? IapAuthoritiesMapper.standard()
              : IapAuthoritiesMapper.standard(properties.getAuthorities());
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(new IapAuthenticationToken(identity, m.authorities(identity)));
    return context;
  }

  /** FakeIap's derivation: "1" and 20 digits of the email's SHA-256, like a Google user id. */
  private static String digits(String email) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
      return "1" + String.format("%020d", new BigInteger(1, hash).mod(BigInteger.TEN.pow(20)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
