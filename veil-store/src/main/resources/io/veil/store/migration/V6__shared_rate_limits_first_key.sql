-- Per-key rate limits shared by every gateway instance on one PostgreSQL database (SharedRateLimits):
-- one row per client key and rate, holding Bucket4j's serialized token bucket (a few counters and
-- times: no request content, no secret). Read and written under SELECT ... FOR UPDATE, so that
-- instances consuming from one bucket take turns. expires_at (epoch ms) is when the bucket would be
-- full again; a full bucket is the same as none, so such rows are deleted by a periodic sweep.
-- On H2 (one process) the table exists but stays empty: buckets live in memory there.
CREATE TABLE veil_rate_buckets (
  id         VARCHAR(128) NOT NULL PRIMARY KEY,
  state      BYTEA,
  expires_at BIGINT
);
CREATE INDEX veil_rate_buckets_expiry ON veil_rate_buckets (expires_at);

-- The first start's client key ("dev key") is created once per database, however many instances
-- start at the same time: the instance that inserts this row (id 1, the primary key makes it unique)
-- creates the key in the same transaction; a concurrent one waits for that transaction and then
-- finds the row taken.
CREATE TABLE veil_first_key (
  id         INT    NOT NULL PRIMARY KEY,
  decided_at BIGINT NOT NULL
);
