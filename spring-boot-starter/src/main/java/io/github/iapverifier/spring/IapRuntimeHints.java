package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image needs beyond what Spring infers: {@link IapIdentity} (and its nested types)
 * serialised by Jackson wherever an app puts it, not only as a controller's return type, which
 * Spring registers itself. Registered in {@code META-INF/spring/aot.factories}.
 *
 * <p>Nothing else of ours is reflective: {@link IapProperties} is registered by Boot, the failure
 * analyzer by Spring's {@code spring.factories} support, and the Boot 3.5 health contributor is
 * plain compiled code.
 */
final class IapRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
    new BindingReflectionHintsRegistrar()
        .registerReflectionHints(hints.reflection(), IapIdentity.class);
  }
}
