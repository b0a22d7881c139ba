-- A migration from a later Veil release (SchemaUpgradeIT): an instance of this release must still start
-- on a database that a newer instance has already migrated (rolling upgrade, old instance restarting).
CREATE TABLE veil_later_release_table (id BIGINT PRIMARY KEY);
