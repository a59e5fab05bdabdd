-- managed-keys schema: accounts, their passkeys, the wrapped key material, sessions and pending ceremonies.
-- Nothing here opens a user's key: wraps are ciphertext made on the client; custodial keys (opt-in) are
-- envelope-encrypted with a key-encryption key that lives only in configuration.

CREATE TABLE accounts (
    id             text        PRIMARY KEY,
    -- WebAuthn user handle (user.id): random, never the identity key, so a passkey list leaks nothing.
    user_handle    bytea       NOT NULL UNIQUE,
    identity_key   text        NOT NULL UNIQUE,
    encryption_key text,
    mode           text        NOT NULL CHECK (mode IN ('prf', 'custodial')),
    app_id         text,
    created_at     timestamptz NOT NULL
);

CREATE TABLE credentials (
    -- base64url credential id (WebAuthn ids are at most 1023 bytes).
    id                       text        PRIMARY KEY,
    account_id               text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- WebAuthn4J's attested credential data (AAGUID, id, COSE public key), as the authenticator sent it.
    attested_credential_data bytea       NOT NULL,
    attestation_format       text        NOT NULL,
    sign_count               bigint      NOT NULL,
    uv_initialized           boolean     NOT NULL,
    backup_eligible          boolean     NOT NULL,
    backup_state             boolean     NOT NULL,
    transports               text,
    -- Per-credential PRF salt (eval.first): the client derives this credential's wrapping key from it.
    prf_salt                 bytea       NOT NULL,
    prf_salt_id              text        NOT NULL,
    created_at               timestamptz NOT NULL,
    last_used_at             timestamptz
);
CREATE INDEX credentials_account ON credentials (account_id);

-- The identity key wrapped by one passkey's PRF-derived key: opaque ciphertext from the client.
CREATE TABLE key_wraps (
    credential_id  text        PRIMARY KEY REFERENCES credentials (id) ON DELETE CASCADE,
    account_id     text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    algorithm      text        NOT NULL,
    ciphertext     bytea       NOT NULL,
    nonce          bytea       NOT NULL,
    salt_id        text        NOT NULL,
    identity_key   text        NOT NULL,
    encryption_key text,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX key_wraps_account ON key_wraps (account_id);

-- The identity key wrapped by a key the client derives from a high-entropy recovery code. The code
-- also derives the lookup value; only its SHA-256 is stored.
CREATE TABLE recovery_wraps (
    account_id     text        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    lookup_hash    bytea       NOT NULL UNIQUE,
    algorithm      text        NOT NULL,
    ciphertext     bytea       NOT NULL,
    nonce          bytea       NOT NULL,
    kdf_salt       bytea       NOT NULL,
    identity_key   text        NOT NULL,
    encryption_key text,
    updated_at     timestamptz NOT NULL
);

-- Custodial mode (opt-in): the key encrypted with a random data key, which is encrypted with the
-- configured key-encryption key named by kek_id (rotatable: rows are re-wrapped under the current one).
CREATE TABLE custodial_keys (
    account_id  text        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    kek_id      text        NOT NULL,
    wrapped_dek bytea       NOT NULL,
    ciphertext  bytea       NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX custodial_keys_kek ON custodial_keys (kek_id);

-- Sessions: only the SHA-256 (base64url) of the opaque bearer token is stored.
CREATE TABLE sessions (
    token_hash    text        PRIMARY KEY,
    account_id    text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    credential_id text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Pending ceremonies: single-use challenges with a short TTL, in the database so any replica can
-- finish a ceremony another one started.
CREATE TABLE ceremonies (
    id          text        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('registration', 'authentication', 'add-credential')),
    challenge   bytea       NOT NULL,
    account_id  text,
    user_handle bytea,
    prf_salt    bytea,
    app_id      text,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX ceremonies_expiry ON ceremonies (expires_at);
