package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerifier;

/**
 * Callback that adjusts the {@link IapVerifier.Builder} of the auto-configured verifier after the
 * {@code iap.*} properties were applied: a {@link java.time.Clock}, an event listener, policies the
 * properties do not cover. Every bean of this type is applied, in {@link
 * org.springframework.core.annotation.Order @Order} / {@link org.springframework.core.Ordered}
 * order, so a later one sees, and may override, what an earlier one set. Not called when the app
 * defines its own {@link IapVerifier} bean. Google IAP only: with another {@code iap.proxy} such a
 * bean stops start-up (it would silently not apply); define an {@link IapVerifier} bean built with
 * that proxy's builder instead.
 *
 * <p>To use other keys than Google's, set {@code iap.jwks-uri} (another endpoint), {@code
 * iap.jwks-resource} (a fixed key set) or define an {@link io.github.iapverifier.IapKeySource}
 * bean: the builder accepts only one source of keys, and the properties have already chosen one.
 *
 * <p>Implementations are called once, on the thread that creates the verifier bean.
 */
@FunctionalInterface
public interface IapVerifierBuilderCustomizer {

  /**
   * Adjusts the builder.
   *
   * @param builder the builder with the {@code iap.*} properties applied, not null
   */
  void customize(IapVerifier.Builder builder);
}
