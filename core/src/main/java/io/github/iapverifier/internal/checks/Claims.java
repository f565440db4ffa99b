package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.checks.HeaderCheck.fail;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Typed reads of single claims, failing with the reason a wrong type deserves. Stateless. */
public final class Claims {

  private Claims() {}

  /**
   * Reads a string claim that must be present and non-empty.
   *
   * @param claims the claims, not null
   * @param name the claim's name
   * @param issuerName who always sets it, for the message
   * @return the value
   * @throws IapVerificationException {@link Reason#MISSING_CLAIM} when absent or empty, {@link
   *     Reason#MALFORMED} when not a string
   */
  public static String required(Map<String, Object> claims, String name, String issuerName) {
    String value = optional(claims, name);
    if (value == null || value.isEmpty()) {
      throw fail(
          Reason.MISSING_CLAIM,
          "claim '" + name + "' is missing; " + issuerName + " always sets it");
    }
    return value;
  }

  /**
   * Reads an optional string claim.
   *
   * @param claims the claims, not null
   * @param name the claim's name
   * @return the value, or null when absent
   * @throws IapVerificationException {@link Reason#MALFORMED} when not a string
   */
  public static @Nullable String optional(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value != null && !(value instanceof String)) {
      throw fail(Reason.MALFORMED, "claim '" + name + "' must be a string");
    }
    return (String) value;
  }

  /**
   * Reads an optional array of strings.
   *
   * @param claims the claims (or a nested object), not null
   * @param name the claim's name, as found in {@code claims}
   * @param shown the claim's name for messages
   * @return the strings, empty when absent or null; the list as parsed
   * @throws IapVerificationException {@link Reason#MALFORMED} when not an array of strings
   */
  @SuppressWarnings("unchecked")
  public static List<String> strings(Map<String, Object> claims, String name, String shown) {
    Object value = claims.get(name);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List) {
      boolean allStrings = true;
      for (Object item : (List<?>) value) {
        allStrings &= item instanceof String;
      }
      if (allStrings) {
        return (List<String>) value;
      }
    }
    throw fail(Reason.MALFORMED, "claim '" + shown + "' must be an array of strings");
  }
}
