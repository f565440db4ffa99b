/**
 * Not API: helpers shared by the verifier and the key lifecycle (text for messages, listener
 * isolation, JSON, ES256, audience detection). Not exported by the module; may change at any time.
 */
@NullMarked
package io.github.iapverifier.internal;

import org.jspecify.annotations.NullMarked;
