/**
 * The public API: {@link io.github.iapverifier.IapVerifier} and its builder, the identity,
 * audiences, key sources and events. Types here are null-marked: a parameter or result may be null
 * only where it is annotated {@code @Nullable}.
 */
@NullMarked
package io.github.iapverifier;

import org.jspecify.annotations.NullMarked;
