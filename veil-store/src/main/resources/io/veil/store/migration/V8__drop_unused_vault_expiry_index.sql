-- vault_expiry_ix (V1) is written by every vault INSERT and DELETE but read by no statement: the retention
-- purge deletes "expires_at <= ? OR created_at <= ?", which neither H2 nor PostgreSQL can answer from an index
-- on expires_at alone (created_at has none), so both scan the table; every other statement on vault_entries
-- finds its rows by id, by (tenant, conversation, ...) or by subject_ref. On the embedded H2 default the index
-- was one of the five B-trees each new conversation's commit rewrites (docs/notes/h2write.md). Dropping it
-- changes no data and no query plan. IF EXISTS: an operator may have dropped it already.
DROP INDEX IF EXISTS vault_expiry_ix;
