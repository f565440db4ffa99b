/**
 * Not API: what differs between proxies, as a {@link
 * io.github.iapverifier.internal.verify.ProxyRules} of small parts the one verify path of {@code
 * IapVerifier} applies in order, and the rule sets of each proxy.
 */
@NullMarked
package io.github.iapverifier.internal.verify;

import org.jspecify.annotations.NullMarked;
