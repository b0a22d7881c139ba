package io.veil.store.migration;

import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema V11, H2 only: the scope numbers of {@code vault_scopes} (V10) keep 1,000 identity values in memory, as
 * V4 did for the tables a request inserts into (each new conversation inserts a scope; with H2's default of 32
 * the sequence would commit the store once per 32 new conversations). PostgreSQL is left as it is (see V4).
 */
public class V11__H2_vault_scopes_identity_cache extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    if (!c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("h2")) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE vault_scopes ALTER COLUMN id SET CACHE 1000");
    }
  }
}
