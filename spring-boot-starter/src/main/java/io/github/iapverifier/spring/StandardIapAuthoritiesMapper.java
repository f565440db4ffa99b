package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** See {@link IapAuthoritiesMapper#standard(Map)}. Immutable and thread-safe. */
final class StandardIapAuthoritiesMapper implements IapAuthoritiesMapper {

  private static final GrantedAuthority USER_AUTHORITY = new SimpleGrantedAuthority(USER);

  /** IAP's full access-level name: policy number, level name. */
  private static final Pattern ACCESS_LEVEL =
      Pattern.compile("accessPolicies/([0-9]+)/accessLevels/([A-Za-z0-9_]+)");

  /** Email, ASCII-lowercased, to authorities. */
  private final Map<String, List<GrantedAuthority>> byEmail;

  /** Domain (without '@'), ASCII-lowercased, to authorities. */
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
            String member = raw == null ? "" : lowerAscii(raw.strip());
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
    // A domain that is not ASCII is not one IAP writes (it sends punycode): no authority, rather
    // than one that a look-alike could share.
    hd.filter(StandardIapAuthoritiesMapper::isAscii)
        .ifPresent(d -> authorities.add(new SimpleGrantedAuthority(DOMAIN_PREFIX + lowerAscii(d))));
    for (String level : identity.accessLevels()) {
      Matcher m = ACCESS_LEVEL.matcher(level);
      // The policy number stays in the name: a level of a scoped policy must never satisfy a
      // rule written for the same level name in another policy.
      if (m.matches()) {
        authorities.add(
            new SimpleGrantedAuthority(ACCESS_LEVEL_PREFIX + m.group(1) + "_" + m.group(2)));
      }
    }
    // Groups are signed by the proxy the verifier trusts (Google IAP sends none); blank ones name
    // nothing.
    for (String group : identity.groups()) {
      if (!group.isBlank()) {
        authorities.add(new SimpleGrantedAuthority(GROUP_PREFIX + group));
      }
    }
    // Identity Platform emails carry IAP's "securetoken.google.com/PROJECT:" prefix, so they can
    // never equal a configured address; the source check states the rule rather than rely on it.
    // Other sources (Workforce Identity Federation, unknown ones) prove no Google account either.
    if (identity.source() == IapIdentity.Source.GOOGLE) {
      String email = lowerAscii(identity.email());
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

  /**
   * ASCII case folding only: {@code toLowerCase} maps the Kelvin sign U+212A to {@code k}, so a
   * look-alike address would match a configured one.
   */
  private static String lowerAscii(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return b.toString();
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }

  private static Map<String, List<GrantedAuthority>> freeze(Map<String, Set<GrantedAuthority>> m) {
    Map<String, List<GrantedAuthority>> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(k, List.copyOf(new ArrayList<>(v))));
    return Map.copyOf(copy);
  }
}
