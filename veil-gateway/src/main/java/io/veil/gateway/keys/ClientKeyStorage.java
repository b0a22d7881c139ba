package io.veil.gateway.keys;

import java.util.Locale;

/**
 * Where the gateway keeps its client keys ({@code database.clientKeys}, {@code VEIL_CLIENT_KEYS}).
 *
 * <p>{@link #DATABASE} is the default on H2 and PostgreSQL alike: the keys live with the rest of the
 * gateway's state, every instance sharing a PostgreSQL database accepts the same keys, and a
 * revocation applies on all of them at once. {@link #FILE} is the former {@code keys.json} in the data
 * directory, kept for going back (it never sees keys created in the database).
 */
public enum ClientKeyStorage {
  /** The {@code client_keys} table of the governance database ({@link JdbcClientKeyStore}). */
  DATABASE("database"),
  /** {@code DATA_DIR/keys.json} ({@link FileClientKeyStore}). */
  FILE("file");

  private final String wireName;

  ClientKeyStorage(String wireName) {
    this.wireName = wireName;
  }

  /** The configuration value: {@code database} or {@code file}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The storage a configuration value names.
   *
   * @throws IllegalArgumentException naming the allowed values (the value itself is not repeated)
   */
  public static ClientKeyStorage parse(String value) {
    if (value != null) {
      for (ClientKeyStorage s : values()) {
        if (s.wireName.equals(value.strip().toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
    }
    throw new IllegalArgumentException("database.clientKeys must be database or file");
  }
}
