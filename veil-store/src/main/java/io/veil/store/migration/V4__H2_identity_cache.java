package io.veil.store.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema V4, H2 only: the identity sequences of the tables a request inserts into keep 1,000 values in memory
 * instead of H2's default 32.
 *
 * <p>Why: H2 persists an identity sequence's high-water mark each time its cache runs out, and it does so by
 * committing the store: one extra file chunk per 32 rows (the CPU profile of the distinct-prompts load put 45 %
 * of the vault insert's samples there, more than the transaction's own commit; docs/notes/commit.md). With 1,000
 * the sequence writes once per 1,000 rows. What is kept: values stay unique and increasing (H2's sequence cache
 * is one per database, not per session); a crash may skip up to 1,000 values, it never reuses one (the mark is
 * persisted before values under it are handed out).
 *
 * <p>PostgreSQL is left as it is: its sequence cache is per session, so ids of concurrent connections would no
 * longer follow insertion order (vault entries are read in id order), and its sequences do not commit anything.
 */
public class V4__H2_identity_cache extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws Exception {
    H2Statements.run(context,
        "ALTER TABLE vault_entries ALTER COLUMN id SET CACHE 1000",
        "ALTER TABLE consent_events ALTER COLUMN id SET CACHE 1000",
        "ALTER TABLE client_keys ALTER COLUMN seq SET CACHE 1000");
  }
}
