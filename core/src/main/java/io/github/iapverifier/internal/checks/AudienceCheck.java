package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code aud}, a string or an array of strings, must name one of the configured audiences.
 * Immutable and thread-safe.
 */
public final class AudienceCheck {

  private final Set<String> accepted;
  private final String advice;

  /**
   * Creates the check.
   *
   * @param accepted the audience values, not empty; shown in messages
   * @param advice what to tell an operator when no audience matches
   */
  public AudienceCheck(Set<String> accepted, String advice) {
    this.accepted = accepted;
    this.advice = advice;
  }

  /**
   * Finds the configured audience the token names.
   *
   * @param aud the {@code aud} claim, may be null
   * @return the matching value
   * @throws IapVerificationException {@link Reason#WRONG_AUDIENCE} when none matches, {@link
   *     Reason#MALFORMED} when {@code aud} is neither a string nor an array of strings
   */
  public String match(@Nullable Object aud) {
    if (aud instanceof String) {
      if (accepted.contains(aud)) {
        return (String) aud;
      }
    } else if (aud instanceof List) {
      for (Object item : (List<?>) aud) {
        if (!(item instanceof String)) {
          throw malformed();
        }
      }
      for (Object item : (List<?>) aud) {
        if (accepted.contains(item)) {
          return (String) item;
        }
      }
    } else if (aud != null) {
      throw malformed();
    }
    throw new IapVerificationException(
        Reason.WRONG_AUDIENCE,
        (aud == null
                ? "the assertion has no audience (aud); accepted: "
                : "audience " + describe(aud) + " is not one of ")
            + accepted
            + advice);
  }

  private static IapVerificationException malformed() {
    return new IapVerificationException(
        Reason.MALFORMED, "claim 'aud' must be a string or an array of strings");
  }

  private static String describe(Object aud) {
    if (aud instanceof String) {
      return "'" + printable((String) aud) + "'";
    }
    List<?> list = (List<?>) aud;
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < list.size() && i < 5; i++) {
      shown.add(printable((String) list.get(i)));
    }
    return shown + (list.size() > 5 ? " (and " + (list.size() - 5) + " more)" : "");
  }
}
