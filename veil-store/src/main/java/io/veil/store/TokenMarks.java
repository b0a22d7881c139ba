package io.veil.store;

import io.veil.core.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The table {@code vault_token_marks}: per conversation scope and entity type, the highest token ordinal ever
 * minted there (the high-water mark), so that a token name is never given to a second value of one scope.
 *
 * <p>Why: a scope's next ordinal used to be its row count plus one. After an erasure, a crypto-shredding or an
 * expiry deleted rows, the next new value could get a token that once meant another value of the same
 * conversation; a model repeating that token from an earlier turn would have it restored to the new value:
 * one person's data shown in place of another's. The vault now numbers new values above the mark
 * ({@link JdbcTokenVault}), and {@link #raise} refuses, in the transaction that stores the rows, any ordinal not
 * above the mark. Rows going never lower it.
 *
 * <p>Concurrency: {@link #raise} updates the mark row (or inserts it) in the inserting transaction, so writers of
 * one scope and type take turns on that row lock, on H2 and across instances on PostgreSQL; a writer whose
 * ordinals were counted before another's commit finds the mark at or above them and mints again.
 *
 * <p>Lifetime: a mark expires with the newest entry it numbered, and {@link RetentionPurger} deletes it one
 * vault retention period after that; a scope silent that long numbers from one again.
 *
 * <p>Keyed by the scope's number ({@link VaultScopes}), which a mark keeps alive: the purge deletes a scope only
 * once it has neither marks nor rows.
 *
 * <p>Thread safety: stateless. <b>Security:</b> a mark holds a scope, a type and a number: no value, no subject.
 */
final class TokenMarks {
  private TokenMarks() {}

  /** The ordinals of one type that one insert stores: the lowest, the highest, and their latest expiry. */
  record Minted(String type, int lowest, int highest, long expiresAt) {}

  /** {@link #raise}'s update: highest, expiry, scope number, type, lowest. Package-private for the plan test. */
  static final String RAISE = "UPDATE vault_token_marks SET high_water = ?,"
      + " expires_at = GREATEST(expires_at, ?) WHERE scope_id = ? AND entity_type = ? AND high_water < ?";

  /** {@link #of}'s read: tenant, conversation. */
  static final String OF = "SELECT entity_type, high_water FROM vault_token_marks WHERE scope_id = " + VaultScopes.ID;

  /**
   * Inside the transaction that stores the rows: raises the scope's mark of each type to its highest ordinal,
   * provided every ordinal is above the mark. Types should come in one order (sorted), so that two writers lock
   * the mark rows in the same order.
   *
   * @param newScope the scope's number was made in this transaction: it has no marks (numbers are never reused),
   *     so they are inserted without trying an update first (one statement per type instead of two)
   * @return false when an ordinal is not above its type's mark (another writer numbered it first, or it was
   *     used by a value since deleted): the caller must store nothing and mint again; on PostgreSQL the
   *     transaction may then only be rolled back (to a savepoint)
   */
  static boolean raise(Connection c, long scopeId, boolean newScope, Collection<Minted> minted) throws SQLException {
    for (Minted m : minted) {
      if (!newScope) {
        try (PreparedStatement ps = c.prepareStatement(RAISE)) {
          ps.setInt(1, m.highest());
          ps.setLong(2, m.expiresAt());
          ps.setLong(3, scopeId);
          ps.setString(4, m.type());
          ps.setInt(5, m.lowest());
          if (ps.executeUpdate() > 0) {
            continue;
          }
        }
      }
      // no mark yet, or one at or above the lowest ordinal: inserting tells which (the key is unique)
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO vault_token_marks"
          + " (scope_id, entity_type, high_water, expires_at) VALUES (?, ?, ?, ?)")) {
        ps.setLong(1, scopeId);
        ps.setString(2, m.type());
        ps.setInt(3, m.highest());
        ps.setLong(4, m.expiresAt());
        ps.executeUpdate();
      } catch (SQLException e) {
        if (Database.isUniqueViolation(e)) {
          return false;
        }
        throw e;
      }
    }
    return true;
  }

  /** The scope's marks by entity type name (types never minted in it are absent). */
  static Map<String, Integer> of(Connection c, Scope scope) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(OF)) {
      VaultScopes.bind(ps, 1, scope);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return out;
  }

  /** Deletes the marks that expired at or before {@code before}; returns how many. */
  static long purge(Connection c, long before) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM vault_token_marks WHERE expires_at <= ?")) {
      ps.setLong(1, before);
      return ps.executeUpdate();
    }
  }
}
