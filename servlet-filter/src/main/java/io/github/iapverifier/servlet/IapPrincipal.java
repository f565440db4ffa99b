package io.github.iapverifier.servlet;

import io.github.iapverifier.IapIdentity;
import java.security.Principal;
import java.util.Objects;

/**
 * The principal of a request that {@link IapFilter} verified, as returned by {@code
 * HttpServletRequest.getUserPrincipal()}: its {@linkplain #getName() name} is the verified email
 * and it gives access to the whole {@link IapIdentity}.
 *
 * <pre>{@code
 * if (request.getUserPrincipal() instanceof IapPrincipal p) {
 *   p.identity().hostedDomain() ...
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe. Equal to another {@code IapPrincipal} of an equal identity.
 */
public final class IapPrincipal implements Principal {

  private final IapIdentity identity;

  /**
   * Creates a principal, for example to stand in for the filter in a unit test.
   *
   * @param identity the verified identity, not null
   */
  public IapPrincipal(IapIdentity identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  /**
   * Returns the verified email, exactly as IAP wrote it (Identity Platform users keep their {@code
   * securetoken.google.com/PROJECT:} prefix, see {@link IapIdentity#email()}).
   *
   * @return the email, never null
   */
  @Override
  public String getName() {
    return identity.email();
  }

  /**
   * Returns the verified identity.
   *
   * @return the identity, never null
   */
  public IapIdentity identity() {
    return identity;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IapPrincipal && ((IapPrincipal) other).identity.equals(identity);
  }

  @Override
  public int hashCode() {
    return identity.hashCode();
  }

  @Override
  public String toString() {
    return "IapPrincipal[" + identity.email() + "]";
  }
}
