package io.github.iapverifier;

import io.github.iapverifier.IapInspection.Check;
import io.github.iapverifier.IapInspection.Outcome;
import io.github.iapverifier.IapInspection.Step;
import io.github.iapverifier.internal.cache.VerifiedTokenCache.KeyLookup;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import io.github.iapverifier.internal.jws.CompactJws;
import io.github.iapverifier.internal.verify.Failures;
import io.github.iapverifier.internal.verify.ProxyRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link IapVerifier#inspect}: the verifier's checks with the same rules, each run when the checks
 * it needs passed, each outcome recorded. Diagnostics only, so it may allocate freely. Stateless.
 */
final class Inspector {

  private Inspector() {}

  static <C> IapInspection inspect(ProxyRules<C> rules, KeyLookup keys, @Nullable String token) {
    Step[] steps = new Step[Check.values().length];
    CompactJws jws = step(steps, Check.SHAPE, () -> rules.split(token));
    Map<String, Object> header = jws == null ? null : step(steps, Check.HEADER, jws::header);
    String keyId =
        header == null ? null : step(steps, Check.HEADER, () -> rules.header().keyId(header));
    Map<String, Object> payload = jws == null ? null : step(steps, Check.PAYLOAD, jws::payload);
    String audience = null;
    Validity validity = null;
    if (payload != null && header != null) {
      step(
          steps,
          Check.ISSUER,
          () -> {
            rules.issuer().check(header, payload);
            return Boolean.TRUE;
          });
      audience = step(steps, Check.AUDIENCE, () -> rules.audience().check(header, payload));
      validity = step(steps, Check.TIMES, () -> rules.times().check(header, payload));
    }
    C claims = null;
    if (audience != null && validity != null) {
      String aud = audience;
      Validity v = validity;
      claims = step(steps, Check.CLAIMS, () -> rules.claims().read(header, payload, aud, v));
    }
    if (keyId != null) {
      IapSigningKey key =
          step(
              steps,
              Check.KEY,
              () -> {
                IapSigningKey k = keys.key(keyId);
                if (k == null) {
                  throw Failures.unknownKey(rules, keyId);
                }
                return k;
              });
      if (key != null) {
        step(
            steps,
            Check.SIGNATURE,
            () -> {
              key.checkSignature(rules, keyId, jws);
              return Boolean.TRUE;
            });
      }
    }
    IapIdentity identity = null;
    if (claims != null) {
      C c = claims;
      identity =
          step(
              steps,
              Check.POLICY,
              () -> {
                IapIdentity who = rules.identity().of(c);
                rules.policy().check(who);
                return who;
              });
    }
    List<Step> all = new ArrayList<>(steps.length);
    for (Check check : Check.values()) {
      Step s = steps[check.ordinal()];
      all.add(s != null ? s : new Step(check, Outcome.NOT_RUN, null));
    }
    return new IapInspection(
        header == null ? Map.of() : Collections.unmodifiableMap(header),
        payload == null ? Map.of() : Collections.unmodifiableMap(payload),
        all,
        identity);
  }

  /** Runs one check, records its outcome; its result, or null if it failed. */
  private static <T> @Nullable T step(Step[] steps, Check check, Supplier<T> run) {
    try {
      T result = run.get();
      steps[check.ordinal()] = new Step(check, Outcome.PASSED, null);
      return result;
    } catch (RuntimeException e) {
      steps[check.ordinal()] = new Step(check, Outcome.FAILED, Failures.unforeseen(e));
      return null;
    }
  }
}
