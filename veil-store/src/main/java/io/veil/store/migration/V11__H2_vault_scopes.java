package io.veil.store.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema V11, H2 only: the vault scopes of V10 as an embedded database needs them.
 *
 * <ul>
 *   <li>The scope numbers keep 1,000 identity values in memory, as V4 did for the tables a request inserts into:
 *       each new conversation makes a scope, and with H2's default of 32 the sequence would commit the store once
 *       per 32 new conversations.</li>
 *   <li>The two foreign keys to {@code vault_scopes} go. H2 gave each an index of its own on {@code scope_id}
 *       (it does not use the unique indexes that start with it): two more B-trees written by every new
 *       conversation, ~4 KB a request (docs/notes/seqscope.md). And they do not do their job there: H2 checks them
 *       against committed rows only, so a purge's uncommitted delete and a writer's insert pass each other. An H2
 *       database has one process, and in it the purge and the vault's inserts exclude each other by a lock
 *       ({@code Database.vaultScopeUse}). PostgreSQL keeps them: there they lock the scope row, across instances.</li>
 * </ul>
 */
public class V11__H2_vault_scopes extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws Exception {
    H2Statements.run(context,
        "ALTER TABLE vault_scopes ALTER COLUMN id SET CACHE 1000",
        "ALTER TABLE vault_entries DROP CONSTRAINT vault_scope_fk",
        "ALTER TABLE vault_token_marks DROP CONSTRAINT vault_marks_scope_fk");
  }
}
