package io.veil.core.transform;

import io.veil.core.keys.VeilKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in operators, by policy name.
 *
 * <table>
 *   <caption>Operators and their options</caption>
 *   <tr><th>name</th><th>reversible</th><th>options</th></tr>
 *   <tr><td>placeholder</td><td>yes</td><td>–</td></tr>
 *   <tr><td>surrogate</td><td>yes</td><td>–</td></tr>
 *   <tr><td>encrypt</td><td>yes</td><td>–</td></tr>
 *   <tr><td>redact</td><td>no</td><td>{@code replacement} (default {@code [REDACTED]}, empty removes)</td></tr>
 *   <tr><td>mask</td><td>no</td><td>{@code keep_last} (0–64, default 4), {@code mask_char} (default *)</td></tr>
 *   <tr><td>hash</td><td>no</td><td>–</td></tr>
 *   <tr><td>keep</td><td>–</td><td>–</td></tr>
 * </table>
 */
public final class Operators {
  /** Every built-in operator name. */
  public static final List<String> NAMES = List.of(
      PlaceholderOperator.NAME, SurrogateOperator.NAME, RedactOperator.NAME, MaskOperator.NAME,
      HashOperator.NAME, EncryptOperator.NAME, KeepOperator.NAME);

  /** The options each operator accepts. */
  public static final Map<String, List<String>> OPTIONS = Map.of(
      RedactOperator.NAME, List.of("replacement"),
      MaskOperator.NAME, List.of("keep_last", "mask_char"));

  private static final Surrogates SURROGATES = new Surrogates();

  private Operators() {}

  /**
   * The operator called {@code name}, configured by {@code options} (string values).
   *
   * @throws IllegalArgumentException for an unknown name or option, or a bad option value
   */
  public static Operator create(String name, Map<String, String> options) {
    List<String> allowed = OPTIONS.getOrDefault(name, List.of());
    for (String key : options.keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException("operator " + name + " has no option '" + key + "'"
            + (allowed.isEmpty() ? "" : " (options: " + String.join(", ", allowed) + ")"));
      }
    }
    return switch (name) {
      case PlaceholderOperator.NAME -> new PlaceholderOperator();
      case SurrogateOperator.NAME -> new SurrogateOperator(SURROGATES);
      case RedactOperator.NAME -> new RedactOperator(options.getOrDefault("replacement", RedactOperator.DEFAULT_REPLACEMENT));
      case MaskOperator.NAME -> new MaskOperator(keepLast(options.get("keep_last")), maskChar(options.get("mask_char")));
      case HashOperator.NAME -> new HashOperator();
      case EncryptOperator.NAME -> new EncryptOperator();
      case KeepOperator.NAME -> new KeepOperator();
      default -> throw new IllegalArgumentException(
          "unknown operator '" + name + "' (operators: " + String.join(", ", NAMES) + ")");
    };
  }

  /** The operator {@code Veil.anonymize} uses where the policy names a reversible one: {@code hash}. */
  public static Operator irreversible(Operator op) {
    return op.reversible() ? new HashOperator() : op;
  }

  /**
   * Decrypts a token made by the {@code encrypt} operator for {@code tenant}; empty if it is not such a
   * token, belongs to another tenant or was made with other keys.
   */
  public static Optional<String> decrypt(VeilKeys keys, String tenant, String token) {
    return EncryptOperator.decrypt(keys, tenant, token);
  }

  private static int keepLast(String v) {
    if (v == null) {
      return 4;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 0 && n <= 64) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("keep_last must be a whole number from 0 to 64");
  }

  private static char maskChar(String v) {
    if (v == null) {
      return '*';
    }
    if (v.length() != 1 || Character.isLetterOrDigit(v.charAt(0)) || Character.isSurrogate(v.charAt(0))) {
      throw new IllegalArgumentException("mask_char must be one character that is not a letter or digit");
    }
    return v.charAt(0);
  }
}
