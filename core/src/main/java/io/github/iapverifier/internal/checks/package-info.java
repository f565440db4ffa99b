/**
 * Not API: the checks of an IAP assertion, each a small type, in the order the verifier applies
 * them: header, issuer, audience, times, claim types, then (after the signature) identity building
 * and the policy.
 */
@NullMarked
package io.github.iapverifier.internal.checks;

import org.jspecify.annotations.NullMarked;
