package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** See {@link IapAuthoritiesMapper#standard(Map)}. Immutable and thread-safe. */
final class StandardIapAuthoritiesMapper implements IapAuthoritiesMapper {

  private static final GrantedAuthority USER_AUTHORITY = new SimpleGrantedAuthority(USER);

  /** Lowercase email to authorities. */
  private final Map<String, List<GrantedAuthority>> byEmail;

  /** Lowercase domain (without '@') to authorities. */
  private final Map<String, List<GrantedAuthority>> byDomain;

  StandardIapAuthoritiesMapper(Map<String, ? extends Collection<String>> grants) {
    Map<String, Set<GrantedAuthority>> emails = new LinkedHashMap<>();
    Map<String, Set<GrantedAuthority>> domains = new LinkedHashMap<>();
    grants.forEach(
        (authority, members) -> {
          if (authority == null || authority.isBlank()) {
            throw new IllegalArgumentException("iap.authorities: an authority name is blank");
          }
          GrantedAuthority granted = new SimpleGrantedAuthority(authority.strip());
          for (String raw : members) {
            String member = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
            int at = member.indexOf('@');
            boolean domain = at == 0 && member.length() > 1 && member.indexOf('@', 1) < 0;
            boolean email = at > 0 && at < member.length() - 1 && member.indexOf('@', at + 1) < 0;
            if (domain) {
              domains.computeIfAbsent(member.substring(1), k -> new LinkedHashSet<>()).add(granted);
            } else if (email) {
              emails.computeIfAbsent(member, k -> new LinkedHashSet<>()).add(granted);
            } else {
              throw new IllegalArgumentException(
                  "iap.authorities."
                      + authority
                      + ": '"
                      + raw
                      + "' is neither an email"
                      + " (alice@example.com) nor a domain (@example.com)");
            }
          }
        });
    this.byEmail = freeze(emails);
    this.byDomain = freeze(domains);
  }

  @Override
  public Collection<? extends GrantedAuthority> authorities(IapIdentity identity) {
    Set<GrantedAuthority> authorities = new LinkedHashSet<>();
    authorities.add(USER_AUTHORITY);
    Optional<String> hd = identity.hostedDomain();
    hd.ifPresent(
        d ->
            authorities.add(
                new SimpleGrantedAuthority(DOMAIN_PREFIX + d.toLowerCase(Locale.ROOT))));
    for (String level : identity.accessLevels()) {
      authorities.add(
          new SimpleGrantedAuthority(
              ACCESS_LEVEL_PREFIX + level.substring(level.lastIndexOf('/') + 1)));
    }
    // Identity Platform emails carry IAP's "securetoken.google.com/PROJECT:" prefix, so they can
    // never equal a configured address; the source check states the rule rather than rely on it.
    if (identity.source() == IapIdentity.Source.GOOGLE) {
      String email = identity.email().toLowerCase(Locale.ROOT);
      authorities.addAll(byEmail.getOrDefault(email, List.of()));
      // Domain grants only for Workspace accounts: anyone can open a consumer Google account
      // under an address of any domain, so only hd proves the organisation manages the account.
      if (hd.isPresent()) {
        String domain = email.substring(email.lastIndexOf('@') + 1);
        authorities.addAll(byDomain.getOrDefault(domain, List.of()));
      }
    }
    return List.copyOf(authorities);
  }

  private static Map<String, List<GrantedAuthority>> freeze(Map<String, Set<GrantedAuthority>> m) {
    Map<String, List<GrantedAuthority>> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(k, List.copyOf(new ArrayList<>(v))));
    return Map.copyOf(copy);
  }
}
