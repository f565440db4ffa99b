package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import java.util.Collection;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.Transient;

/**
 * A request authenticated by a verified IAP assertion. The {@linkplain #getPrincipal() principal}
 * is the {@link IapIdentity}, so {@code @AuthenticationPrincipal IapIdentity who} works in
 * controllers; {@link #getName()} is the email.
 *
 * <p>{@link Transient}: never stored in the HTTP session. IAP signs every request, so each one is
 * authenticated afresh, and a session must never vouch for a request that did not pass through IAP.
 * The assertion itself is not kept ({@link #getCredentials()} is empty), so it cannot leak into
 * logs or serialized state.
 *
 * <p>Immutable and thread-safe once built.
 */
@Transient
public final class IapAuthenticationToken extends AbstractAuthenticationToken {

  private static final long serialVersionUID = 1L;

  // The identity (a record of JDK values) is not Serializable; this token is never meant to be
  // serialized, see the class comment.
  @SuppressWarnings("serial")
  private final IapIdentity identity;

  /**
   * Creates an authenticated token.
   *
   * @param identity the verified identity, not null
   * @param authorities the granted authorities, not null
   */
  public IapAuthenticationToken(
      IapIdentity identity, Collection<? extends GrantedAuthority> authorities) {
    super(Objects.requireNonNull(authorities, "authorities"));
    this.identity = Objects.requireNonNull(identity, "identity");
    super.setAuthenticated(true);
  }

  /**
   * Returns the verified identity.
   *
   * @return the identity, never null
   */
  public IapIdentity identity() {
    return identity;
  }

  /**
   * Returns the verified identity.
   *
   * @return the {@link IapIdentity}, never null
   */
  @Override
  public IapIdentity getPrincipal() {
    return identity;
  }

  /**
   * Returns nothing: the assertion is deliberately not kept.
   *
   * @return an empty string
   */
  @Override
  public Object getCredentials() {
    return "";
  }

  /**
   * Returns the email IAP vouches for (with its {@code securetoken.google.com/PROJECT:} prefix for
   * Identity Platform users).
   *
   * @return the email, never null
   */
  @Override
  public String getName() {
    return identity.email();
  }

  /**
   * Refuses to mark the token authenticated again; it is authenticated from construction.
   *
   * @param authenticated only false is accepted
   * @throws IllegalArgumentException if true
   */
  @Override
  public void setAuthenticated(boolean authenticated) {
    if (authenticated) {
      throw new IllegalArgumentException(
          "an IapAuthenticationToken is authenticated by construction; use the constructor");
    }
    super.setAuthenticated(false);
  }
}
