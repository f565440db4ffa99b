package io.github.iapverifier.emulator;

import io.github.iapverifier.test.FakeIap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An identity the emulator signs in as: what IAP would know about a Google account. Immutable and
 * thread-safe.
 *
 * <p>The text form, used by {@code --users} and shown on the sign-in page, is the email followed
 * by optional space-separated attributes: {@code ana@example.com hd=example.com
 * levels=accessPolicies/1/accessLevels/corp,accessPolicies/1/accessLevels/admin}. Without {@code
 * hd=} the account is a consumer account (no {@code hd} claim).
 *
 * @param email the account's email, as in the {@code email} claim (no prefix), not null
 * @param hostedDomain the Workspace domain ({@code hd}), empty for a consumer account, not null
 * @param accessLevels satisfied access levels, full names {@code
 *     accessPolicies/N/accessLevels/NAME}, not null
 */
public record EmulatedUser(String email, Optional<String> hostedDomain, List<String> accessLevels) {

  // Deliberately loose: the point is catching typos on the sign-in page, not RFC 5322.
  private static final Pattern EMAIL = Pattern.compile("[^@\\s,;=]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
  // The form IAP puts in google.access_levels; level names start with a letter.
  private static final Pattern ACCESS_LEVEL =
      Pattern.compile("accessPolicies/[0-9]+/accessLevels/[A-Za-z][A-Za-z0-9_]*");

  /**
   * Checks and normalises the values.
   *
   * @throws IllegalArgumentException naming the value that is not acceptable
   */
  public EmulatedUser {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(hostedDomain, "hostedDomain");
    Objects.requireNonNull(accessLevels, "accessLevels");
    email = email.strip();
    if (!EMAIL.matcher(email).matches()) {
      throw new IllegalArgumentException(
          "'" + email + "' is not an email address like ana@example.com");
    }
    hostedDomain = hostedDomain.map(String::strip).filter(d -> !d.isEmpty());
    hostedDomain.ifPresent(
        d -> {
          if (!DOMAIN.matcher(d).matches()) {
            throw new IllegalArgumentException(
                "hosted domain '" + d + "' is not a domain like example.com");
          }
        });
    accessLevels = List.copyOf(accessLevels);
    for (String level : accessLevels) {
      if (!ACCESS_LEVEL.matcher(level).matches()) {
        throw new IllegalArgumentException(
            "access level '"
                + level
                + "' is not of the form accessPolicies/NUMBER/accessLevels/NAME");
      }
    }
  }

  /**
   * Creates a user.
   *
   * @param email the email, not null
   * @param hostedDomain the Workspace domain, or null (or blank) for a consumer account
   * @param accessLevels satisfied access levels, full names
   * @return the user
   * @throws IllegalArgumentException if a value is not acceptable
   */
  public static EmulatedUser of(String email, String hostedDomain, String... accessLevels) {
    return new EmulatedUser(email, Optional.ofNullable(hostedDomain), List.of(accessLevels));
  }

  /**
   * Parses one user from its text form (see the type's description).
   *
   * @param spec the text, not null
   * @return the user
   * @throws IllegalArgumentException if the text is not a user, with a message saying why
   */
  public static EmulatedUser parse(String spec) {
    String[] parts = Objects.requireNonNull(spec, "spec").strip().split("\\s+");
    String hostedDomain = null;
    List<String> levels = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      if (part.startsWith("hd=")) {
        hostedDomain = part.substring(3);
      } else if (part.startsWith("levels=")) {
        levels.addAll(splitLevels(part.substring(7)));
      } else {
        throw new IllegalArgumentException(
            "user '"
                + spec.strip()
                + "': unknown attribute '"
                + part
                + "'; expected EMAIL [hd=DOMAIN] [levels=LEVEL,LEVEL]");
      }
    }
    return new EmulatedUser(parts[0], Optional.ofNullable(hostedDomain), levels);
  }

  /**
   * Parses a list of users: one per line or separated by {@code ;}; blank lines and lines starting
   * with {@code #} are ignored.
   *
   * @param text the list, not null
   * @return the users, in order; possibly empty
   * @throws IllegalArgumentException if an entry is not a user
   */
  public static List<EmulatedUser> parseList(String text) {
    List<EmulatedUser> users = new ArrayList<>();
    for (String line : Objects.requireNonNull(text, "text").split("\\R")) {
      if (line.strip().startsWith("#")) {
        continue;
      }
      for (String entry : line.split(";")) {
        if (!entry.isBlank()) {
          users.add(parse(entry));
        }
      }
    }
    return List.copyOf(users);
  }

  /**
   * Splits access levels given as one text, separated by commas or whitespace.
   *
   * @param text the levels, not null
   * @return the non-blank levels, in order
   */
  static List<String> splitLevels(String text) {
    List<String> levels = new ArrayList<>();
    for (String level : text.split("[,\\s]+")) {
      if (!level.isEmpty()) {
        levels.add(level);
      }
    }
    return levels;
  }

  /**
   * Returns the subject IAP sends for this user: {@code accounts.google.com:} and digits, stable
   * for the email.
   *
   * @return the {@code sub} claim and legacy user id, never null
   */
  public String subject() {
    return FakeIap.googleSubject(email);
  }

  /**
   * Returns the text form, which {@link #parse(String)} reads back.
   *
   * @return the text form
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(email);
    hostedDomain.ifPresent(d -> text.append(" hd=").append(d));
    if (!accessLevels.isEmpty()) {
      text.append(" levels=").append(String.join(",", accessLevels));
    }
    return text.toString();
  }

  /** The cookie value: the text form, base64url so it needs no quoting in a cookie. */
  String toCookieValue() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a cookie value back; empty if it is not one this emulator wrote. */
  static Optional<EmulatedUser> fromCookieValue(String value) {
    try {
      return Optional.of(
          parse(new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
