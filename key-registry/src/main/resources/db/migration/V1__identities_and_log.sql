-- key-registry schema: identities, their keys and devices, and the transparency log.

CREATE SEQUENCE identities_seq INCREMENT BY 50;
CREATE SEQUENCE devices_seq INCREMENT BY 50;

CREATE TABLE identities (
    id              bigint      PRIMARY KEY,
    -- The identity's first key: its stable id across rotations (and the Kafka key of its events).
    first_key       text        NOT NULL UNIQUE,
    identity_key    text        NOT NULL UNIQUE,
    -- NFKC_Casefold form; NULL after release or revocation.
    handle          text        UNIQUE,
    -- UTS #39 skeleton of the handle: unique, so look-alike handles cannot belong to two identities.
    handle_skeleton text        UNIQUE,
    encryption_key  text,
    discoverability text        NOT NULL CHECK (discoverability IN ('PUBLIC', 'UNLISTED', 'PRIVATE')),
    status          text        NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED')),
    -- Leaf index of the newest log entry about this identity: what lookups prove.
    last_leaf       bigint      NOT NULL,
    entry_count     integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((handle IS NULL) = (handle_skeleton IS NULL))
);
-- Prefix search over public handles (text_pattern_ops lets LIKE 'al%' use the index).
CREATE INDEX identities_public_handles ON identities (handle text_pattern_ops)
    WHERE discoverability = 'PUBLIC' AND status = 'ACTIVE' AND handle IS NOT NULL;

-- Every key an identity ever had: keys are never reused, and an old key still finds its identity.
CREATE TABLE identity_keys (
    key_id      text        PRIMARY KEY,
    identity_id bigint      NOT NULL REFERENCES identities (id),
    added_at    timestamptz NOT NULL,
    retired_at  timestamptz
);
CREATE INDEX identity_keys_identity ON identity_keys (identity_id);

CREATE TABLE devices (
    id          bigint      PRIMARY KEY,
    identity_id bigint      NOT NULL REFERENCES identities (id),
    device_key  text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    -- Identity key's Ed25519 signature over "peers-registry-device/v1\n<identity key>\n<device key>\n<expires>".
    certificate text        NOT NULL,
    added_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX devices_identity_key ON devices (identity_id, device_key);

-- RFC 9162 log. Leaf i's data is a 32-byte commitment to an entry; the entry and its salt stay here
-- and are shown only to those who may see the identity.
CREATE TABLE log_leaves (
    leaf_index  bigint      PRIMARY KEY,
    commitment  bytea       NOT NULL,
    identity_id bigint      NOT NULL REFERENCES identities (id) DEFERRABLE INITIALLY DEFERRED,
    salt        bytea       NOT NULL,
    entry       text        NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX log_leaves_identity ON log_leaves (identity_id, leaf_index);

-- Hashes of perfect subtrees: id = index << 6 | level. Immutable once written.
CREATE TABLE log_nodes (
    id   bigint PRIMARY KEY,
    hash bytea  NOT NULL
);

-- A signed tree head for every tree size.
CREATE TABLE tree_heads (
    tree_size  bigint      PRIMARY KEY,
    root_hash  bytea       NOT NULL,
    signed_at  timestamptz NOT NULL,
    signature  bytea       NOT NULL
);

-- The log's signing key when none is configured (see peers.registry.log.private-key).
CREATE TABLE log_signing_key (
    id          integer PRIMARY KEY CHECK (id = 1),
    private_key text    NOT NULL,
    created_at  timestamptz NOT NULL
);
