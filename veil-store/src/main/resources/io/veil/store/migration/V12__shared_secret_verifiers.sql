-- Verifiers of secrets that every instance on one database must share but that live outside it (the gateway's
-- DATA_DIR/gateway-secret: it keys privacy links, the `user` hash and the conversation fallback). The first
-- instance records a one-way value derived from its secret (never the secret); later instances compare theirs
-- and refuse to start when it differs, instead of silently splitting conversations and refusing each other's
-- privacy links. Replaced only on purpose (veil serve --adopt-gateway-secret).
CREATE TABLE shared_secret_verifiers (
  name        VARCHAR(64) NOT NULL PRIMARY KEY,
  verifier    BYTEA       NOT NULL,
  recorded_at BIGINT      NOT NULL
);
