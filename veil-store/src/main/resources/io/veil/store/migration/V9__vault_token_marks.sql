-- Per conversation and entity type, the highest token ordinal ever minted (the "high-water mark"), so that a
-- token name (<PERSON_3>) is never given to a second value in one conversation: the vault numbers new values
-- above it, and every insert of vault rows raises it in the same transaction, under the row's lock (instances
-- sharing a database take turns on it). It is not lowered when vault rows go (erasure, crypto-shredding,
-- expiry, clear): a client's history and the model may still hold the old token, which must then restore to
-- nothing rather than to somebody else's value. No value and no subject in it: scope, type, a number.
-- expires_at: the newest minted entry's expiry; the retention purge deletes the mark one vault retention period
-- after that (the conversation has been silent for two periods by then).
CREATE TABLE vault_token_marks (
  tenant       VARCHAR(128) NOT NULL,
  conversation VARCHAR(128) NOT NULL,
  entity_type  VARCHAR(64)  NOT NULL,
  high_water   INT          NOT NULL,
  expires_at   BIGINT       NOT NULL,
  PRIMARY KEY (tenant, conversation, entity_type)
);
CREATE INDEX vault_token_marks_expiry_ix ON vault_token_marks (expires_at);

-- Conversations that exist already: their rows' count is the ordinal the vault would have minted next
-- (the ordinals of rows deleted before this migration are not known; the unique token still guards those).
INSERT INTO vault_token_marks (tenant, conversation, entity_type, high_water, expires_at)
SELECT tenant, conversation, entity_type, COUNT(*), MAX(expires_at)
FROM vault_entries GROUP BY tenant, conversation, entity_type;
