package io.veil.store;

import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Checks that a secret kept outside the database (a file in each instance's data directory) is the same in
 * every instance that uses the database: the first instance records a <em>verifier</em> of its secret under a
 * name (table {@code shared_secret_verifiers}), every later one compares its own.
 *
 * <p>The verifier must be a one-way value derived from the secret under a fixed label (an HMAC or HKDF output),
 * never the secret: it is stored in the database and its backups. Comparisons are constant-time.
 *
 * <p>Thread safety: stateless; concurrent first starts record one verifier (the others compare against it).
 * Failure: {@link StoreUnavailableException} when the database cannot be reached; {@link Mismatch} when the
 * verifier differs (the caller refuses to start).
 *
 * <p><b>Security:</b> never pass the secret itself as the verifier. Messages name the check, never a value.
 */
public final class SharedSecretCheck {
  private static final int MAX_NAME = 64;

  /** The database holds another verifier under this name: the instance's secret is not the others'. */
  public static final class Mismatch extends StoreException {
    private static final long serialVersionUID = 1L;

    Mismatch(String name) {
      super("the " + name + " differs from the one recorded in the database by the first instance");
    }
  }

  private SharedSecretCheck() {}

  /**
   * Records {@code verifier} under {@code name} if the database has none yet (the first start), else compares.
   *
   * @return true if this call recorded it (the database had no verifier of that name)
   * @throws Mismatch if the recorded verifier differs
   */
  public static boolean requireSame(Database db, String name, byte[] verifier) {
    check(name, verifier);
    byte[] recorded = db.withConnection("shared secret check", c -> read(c, name));
    if (recorded == null) {
      boolean inserted = db.withConnection("shared secret check", c -> {
        try {
          insert(c, db, name, verifier);
          return true;
        } catch (SQLException e) {
          if (Database.isUniqueViolation(e)) {
            return false; // another instance recorded one meanwhile: compare with it
          }
          throw e;
        }
      });
      if (inserted) {
        return true;
      }
      recorded = db.withConnection("shared secret check", c -> read(c, name));
    }
    if (recorded == null || !MessageDigest.isEqual(recorded, verifier)) {
      throw new Mismatch(name);
    }
    return false;
  }

  /**
   * Replaces the verifier recorded under {@code name} by {@code verifier} (rotation: the operator has decided
   * that this secret is the one every instance uses from now on).
   */
  public static void replace(Database db, String name, byte[] verifier) {
    check(name, verifier);
    db.inTransaction("shared secret replacement", c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM shared_secret_verifiers WHERE name = ?")) {
        del.setString(1, name);
        del.executeUpdate();
      }
      insert(c, db, name, verifier);
      return null;
    });
  }

  private static void insert(java.sql.Connection c, Database db, String name, byte[] verifier) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO shared_secret_verifiers (name, verifier, recorded_at) VALUES (?, ?, ?)")) {
      ps.setString(1, name);
      ps.setBytes(2, verifier);
      ps.setLong(3, db.clock().millis());
      ps.executeUpdate();
    }
  }

  private static byte[] read(java.sql.Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT verifier FROM shared_secret_verifiers WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  private static void check(String name, byte[] verifier) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(verifier, "verifier");
    if (name.isEmpty() || name.length() > MAX_NAME || verifier.length < 16) {
      throw new IllegalArgumentException("a verifier needs a name of 1-64 characters and at least 16 bytes");
    }
  }
}
