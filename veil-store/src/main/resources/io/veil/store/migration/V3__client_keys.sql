-- The gateway's virtual client keys ("sk-veil-..."), shared by every instance on the database.
-- Only the SHA-256 of a secret is kept (secrets carry 256 random bits, so a plain hash is enough); the
-- secret itself is never stored. Rows are never deleted: a revoked key keeps its row (revoked_at), so
-- neither a later import nor a retried create can bring it back. Times are epoch milliseconds.
CREATE TABLE client_keys (
  id              VARCHAR(32)  NOT NULL PRIMARY KEY,
  secret_sha256   VARCHAR(64)  NOT NULL,
  tenant          VARCHAR(128) NOT NULL,
  policy          VARCHAR(64)  NOT NULL,
  rate_per_minute INT          NOT NULL,
  created_at      BIGINT       NOT NULL,
  revoked_at      BIGINT,
  expires_at      BIGINT,
  CONSTRAINT client_keys_secret_uq UNIQUE (secret_sha256)
);
