-- Tables that every service keeps in its own schema, owned by the `common` library.
-- A repeatable migration of idempotent statements: it runs after the service's own versioned
-- migrations and again whenever this file changes, so additions must stay idempotent
-- (CREATE ... IF NOT EXISTS, ADD COLUMN IF NOT EXISTS).

-- RFC 9421 nonces, remembered while a signature carrying them could still be accepted.
CREATE TABLE IF NOT EXISTS peers_nonces (
    key_id     text        NOT NULL,
    nonce      text        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (key_id, nonce)
);
CREATE INDEX IF NOT EXISTS peers_nonces_expiry ON peers_nonces (expires_at);
-- Unlogged: claiming a nonce then writes no WAL, so a request that only claims one (every signed read)
-- commits without waiting for a WAL flush. The price: after a PostgreSQL crash (not a clean restart) or a
-- failover the table starts empty, so a captured request could be replayed within its remaining validity
-- (at most the signature window, 300 s by default). docs/api/signing.md says so.
ALTER TABLE peers_nonces SET UNLOGGED;

-- Transactional outbox: written in the same transaction as the change it describes.
CREATE TABLE IF NOT EXISTS peers_outbox (
    seq       bigserial   PRIMARY KEY,
    id        uuid        NOT NULL UNIQUE,
    topic     text        NOT NULL,
    event_key text        NOT NULL,
    type      text        NOT NULL,
    source    text        NOT NULL,
    subject   text        NOT NULL,
    time      timestamptz NOT NULL,
    data      text        NOT NULL
);

-- Consumer-side deduplication of at-least-once deliveries.
CREATE TABLE IF NOT EXISTS peers_processed_events (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
