-- When a subject key last sealed a vault value. Every vault insert sets it in the transaction that
-- writes the row (which also locks the key row), so the retention purge can tell an idle key from one
-- that a request is using right now, on every instance. NULL (keys made before this column): created_at counts.
ALTER TABLE subject_keys ADD COLUMN used_at BIGINT;
