package io.veil.store;

import java.util.Locale;
import java.util.Objects;

/**
 * A subject's privacy settings. Data only; the gateway enforces them.
 *
 * @param logging how much of the subject's traffic may be logged
 * @param mode how the subject's personal data is treated
 */
public record PrivacySettings(Logging logging, Mode mode) {
  /** The defaults for a subject without settings: metadata-only logging, reversible pseudonymization. */
  public static final PrivacySettings DEFAULT = new PrivacySettings(Logging.METADATA, Mode.PSEUDONYMIZE);

  public PrivacySettings {
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(mode, "mode");
  }

  /** {@code none | metadata | redacted}. */
  public enum Logging {
    /** No logs at all beyond the audit record. */
    NONE,
    /** Metadata only (sizes, timings, counts). */
    METADATA,
    /** Redacted payloads may be logged. */
    REDACTED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Logging fromWire(String s) {
      for (Logging l : values()) {
        if (l.wireName().equals(s)) {
          return l;
        }
      }
      throw new IllegalArgumentException("logging must be none, metadata or redacted");
    }
  }

  /** {@code pseudonymize | anonymize | block}. */
  public enum Mode {
    /** Reversible tokens, restored in the answer. */
    PSEUDONYMIZE,
    /** Irreversible removal; nothing kept in the vault. */
    ANONYMIZE,
    /** Any request containing personal data is refused. */
    BLOCK;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Mode fromWire(String s) {
      for (Mode m : values()) {
        if (m.wireName().equals(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException("mode must be pseudonymize, anonymize or block");
    }
  }
}
