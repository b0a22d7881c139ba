package io.veil.store.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.Context;

/** Runs a Java migration's statements on H2 only (they tune the embedded database); nothing on PostgreSQL. */
final class H2Statements {
  private H2Statements() {}

  static void run(Context context, String... statements) throws SQLException {
    Connection c = context.getConnection();
    if (!c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("h2")) {
      return;
    }
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }
}
