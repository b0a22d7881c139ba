package io.veil.store;

import io.veil.core.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The table {@code vault_scopes}: one number per conversation scope (tenant, conversation), from a sequence.
 * The vault's rows and token marks are keyed by it (schema V10), so that a new conversation's keys are appended
 * at the right edge of those indexes instead of landing at random places (on H2 every commit rewrites each leaf it
 * changed; docs/notes/seqscope.md).
 *
 * <p>Lifetime: a scope is created by the first insert of vault rows into it, in that insert's transaction
 * ({@link #idForInsert}), and deleted by the retention purge ({@link #purge}) once it holds neither vault rows nor
 * token marks. Reads never create one: a scope without a number has no rows. On PostgreSQL the foreign keys from
 * {@code vault_entries} and {@code vault_token_marks} make an insert into a scope the purge is deleting (on any
 * instance) fail with a foreign-key violation (the vault then looks again and makes a new scope), and a purge that
 * would leave rows without their scope fail (it tries again at its next run). H2 has no such keys (schema V11: they
 * checked committed rows only, and cost two B-trees); there the database has one process, and in it the purge's
 * deletes and the vault's inserts exclude each other ({@link Database#vaultScopeUse}), on PostgreSQL too.
 *
 * <p>Concurrency: two writers making the same scope at once, in one process or in two instances sharing
 * PostgreSQL, get one number: the unique (tenant, conversation) makes the second insert wait for the first's
 * transaction; PostgreSQL's {@code ON CONFLICT DO NOTHING} then skips it and the next read (a new statement,
 * READ COMMITTED) finds the winner's number. H2 reports the duplicate as a unique violation, which undoes only
 * that statement.
 *
 * <p>Thread safety: stateless. <b>Security:</b> the number is found only from the (tenant, conversation) pair,
 * and every vault statement reaches a scope's rows through {@link #ID} with both bound: a number is never taken
 * from a client, so one tenant cannot name another's scope. The table holds scope ids, no value, no subject.
 */
final class VaultScopes {
  private VaultScopes() {}

  /** A subquery giving the scope's number (no row when it has none); binds tenant, then conversation. */
  static final String ID = "(SELECT s.id FROM vault_scopes s WHERE s.tenant = ? AND s.conversation = ?)";

  /** Binds the scope to the two parameters of {@link #ID} from {@code index}. */
  static void bind(PreparedStatement ps, int index, Scope scope) throws SQLException {
    ps.setString(index, scope.tenant());
    ps.setString(index + 1, scope.conversation());
  }

  /** A scope's number; {@code made}: by this transaction, just now. */
  record ScopeId(long id, boolean made) {}

  /**
   * Inside the transaction that inserts vault rows: the scope's number, made now when it has none (committed or
   * rolled back with the rows).
   *
   * @throws SQLException with a unique violation (H2) or a transaction conflict (PostgreSQL) when a concurrent
   *     writer made the scope in a way this transaction cannot see; the caller looks again
   */
  static ScopeId idForInsert(Connection c, Scope scope, boolean postgres) throws SQLException {
    Long id = idOf(c, scope);
    if (id != null) {
      return new ScopeId(id, false);
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO vault_scopes (tenant, conversation) VALUES (?, ?)"
        + (postgres ? " ON CONFLICT (tenant, conversation) DO NOTHING" : ""), new String[] {"id"})) {
      bind(ps, 1, scope);
      if (ps.executeUpdate() == 1) {
        try (ResultSet keys = ps.getGeneratedKeys()) {
          if (keys.next()) {
            return new ScopeId(keys.getLong(1), true);
          }
        }
      }
    }
    // PostgreSQL: another writer made it first (its transaction has committed by now)
    id = idOf(c, scope);
    if (id == null) {
      // made by a writer whose transaction then deleted it again (a purge): look again
      throw new SQLException("vault scope vanished while it was made", "40001");
    }
    return new ScopeId(id, false);
  }

  /** The scope's number: tenant, conversation. */
  static final String ID_OF = "SELECT id FROM vault_scopes WHERE tenant = ? AND conversation = ?";

  private static Long idOf(Connection c, Scope scope) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ID_OF)) {
      bind(ps, 1, scope);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /** Scopes one purge step looks at and deletes. */
  private static final int PAGE = 500;

  private static final String UNUSED = " AND NOT EXISTS (SELECT 1 FROM vault_token_marks m WHERE m.scope_id = s.id)"
      + " AND NOT EXISTS (SELECT 1 FROM vault_entries v WHERE v.scope_id = s.id)";

  /**
   * Deletes the scopes that hold neither vault rows nor token marks (the retention purge calls it after deleting
   * expired rows and marks); returns how many. One pass over the table, a page at a time: each page is found
   * without a lock, then deleted (checked again) while this process stores no vault rows
   * ({@link Database#vaultScopeUse}), a few milliseconds. A writer of another instance storing into one of them at
   * that moment makes the page's delete fail with a foreign-key violation or, when it holds two of the page's
   * scopes, a deadlock (PostgreSQL): that page is skipped and the next run tries again.
   */
  static long purge(Database db) {
    long purged = 0;
    long after = 0;
    while (true) {
      long from = after;
      List<Long> page = db.withConnection("retention (vault scopes)", c -> {
        // a scan that may take long on a large store; the delete below keeps the silence limit: this process's vault
        // inserts wait for it on the in-process lock
        db.allowLongStatements(c);
        return unused(c, from);
      });
      if (page.isEmpty()) {
        return purged;
      }
      db.vaultScopeUse.writeLock().lock();
      try {
        purged += db.withConnection("retention (vault scopes)", c -> delete(c, page));
      } finally {
        db.vaultScopeUse.writeLock().unlock();
      }
      after = page.get(page.size() - 1);
    }
  }

  private static List<Long> unused(Connection c, long after) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT s.id FROM vault_scopes s WHERE s.id > ?" + UNUSED
        + " ORDER BY s.id")) {
      ps.setLong(1, after);
      ps.setMaxRows(PAGE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  private static long delete(Connection c, List<Long> ids) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM vault_scopes s WHERE s.id IN ("
        + String.join(",", Collections.nCopies(ids.size(), "?")) + ")" + UNUSED)) {
      for (int i = 0; i < ids.size(); i++) {
        ps.setLong(i + 1, ids.get(i));
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      if (Database.isForeignKeyViolation(e) || Database.isTransactionConflict(e)) {
        // another instance stores into one of these scopes now: its foreign-key check (or, when it locks two of
        // the page's scopes in the other order, PostgreSQL's deadlock victim choice) stops this page; skipped, the
        // next run tries it again
        return 0;
      }
      throw e;
    }
  }
}
