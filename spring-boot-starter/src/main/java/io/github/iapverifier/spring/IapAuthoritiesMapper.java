package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.security.core.GrantedAuthority;

/**
 * Decides the authorities of a verified IAP identity in Spring Security. Declare a bean of this
 * type to replace the {@linkplain #standard(Map) standard mapping}; compose with it to extend it:
 *
 * <pre>{@code
 * @Bean
 * IapAuthoritiesMapper iapAuthoritiesMapper(IapProperties properties) {
 *   IapAuthoritiesMapper standard = IapAuthoritiesMapper.standard(properties.getAuthorities());
 *   return identity -> {
 *     List<GrantedAuthority> all = new ArrayList<>(standard.authorities(identity));
 *     all.addAll(lookUpMyRoles(identity.email()));
 *     return all;
 *   };
 * }
 * }</pre>
 *
 * <p>Implementations are called on request threads for every verified request (the result is not
 * cached), so they must be thread-safe and fast.
 */
@FunctionalInterface
public interface IapAuthoritiesMapper {

  /** Granted to every verified identity. */
  String USER = "IAP_USER";

  /** Prefix of the authority granted for the Workspace domain: {@code IAP_DOMAIN_example.com}. */
  String DOMAIN_PREFIX = "IAP_DOMAIN_";

  /**
   * Prefix of the authorities granted for satisfied access levels, followed by the policy number,
   * {@code _} and the level name: {@code accessPolicies/123/accessLevels/corp_devices} gives {@code
   * IAP_ACCESS_LEVEL_123_corp_devices}. The policy number is kept so that a level of one policy
   * (a scoped policy, say) never satisfies a rule meant for the same name in another.
   */
  String ACCESS_LEVEL_PREFIX = "IAP_ACCESS_LEVEL_";

  /**
   * Prefix of the authority granted for each group the proxy signed into the assertion, followed by
   * the group exactly as the proxy wrote it (an id or a name, case kept): Pomerium's {@code groups}
   * claim {@code ["admins"]} gives {@code IAP_GROUP_admins}, for {@code
   * hasAuthority("IAP_GROUP_admins")}. Google IAP sends no groups. The prefix keeps a group from
   * ever being read as a role ({@code ROLE_...}) or another authority of this mapping.
   */
  String GROUP_PREFIX = "IAP_GROUP_";

  /**
   * Returns the authorities of an identity.
   *
   * @param identity a verified identity, not null
   * @return the authorities, not null, may be empty
   */
  Collection<? extends GrantedAuthority> authorities(IapIdentity identity);

  /**
   * The standard mapping without static grants: {@value #USER}, {@value #DOMAIN_PREFIX}{@code <hd>}
   * for Workspace accounts (ASCII domains only), {@value #ACCESS_LEVEL_PREFIX}{@code
   * <policy>_<name>} per access level and {@value #GROUP_PREFIX}{@code <group>} per group the
   * proxy sent ({@link IapIdentity#groups()}).
   *
   * @return a thread-safe mapper
   */
  static IapAuthoritiesMapper standard() {
    return standard(Map.of());
  }

  /**
   * The standard mapping (see {@link #standard()}) plus static grants, as in {@code
   * iap.authorities.ROLE_ADMIN=alice@example.com,@ops.example.com}: each authority (the key, used
   * exactly as written, so {@code ROLE_ADMIN} satisfies {@code hasRole("ADMIN")}) goes to the
   * listed emails (compared ASCII-case-insensitively) and to Google Workspace accounts ({@code hd}
   * set) whose email is in a listed {@code @domain}. Grants apply to Google accounts only ({@link
   * IapIdentity.Source#GOOGLE}): never to Identity Platform or other identities, nor to consumer
   * accounts by domain, since only Workspace proves the domain.
   *
   * @param grants authority name to emails and {@code @domain}s, not null
   * @return a thread-safe mapper
   * @throws IllegalArgumentException if an entry is neither an email nor an {@code @domain}
   */
  static IapAuthoritiesMapper standard(Map<String, ? extends Collection<String>> grants) {
    Objects.requireNonNull(grants, "grants");
    return new StandardIapAuthoritiesMapper(grants);
  }

  /**
   * Convenience for tests and code: the standard mapping of one static grant.
   *
   * @param authority the authority name, not null
   * @param members emails and {@code @domain}s, not null
   * @return a thread-safe mapper
   */
  static IapAuthoritiesMapper standard(String authority, String... members) {
    return standard(Map.of(authority, List.of(members)));
  }
}
