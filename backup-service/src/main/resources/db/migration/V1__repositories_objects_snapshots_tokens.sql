-- backup-service: metadata of client-encrypted backups. The bytes live in S3 under <repo id>/...;
-- this schema records what exists, who owns it, what it costs against the owner's quota.

CREATE TABLE repositories (
    id           text        PRIMARY KEY,
    owner_key    text        NOT NULL,
    name         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    -- retention policy (null: none); applied by prune, followed by garbage collection
    keep_last    integer,
    keep_daily   integer,
    keep_weekly  integer,
    keep_monthly integer,
    UNIQUE (owner_key, name)
);

-- Every stored object. kind 'object' = native API (name = SHA-256 hex of the ciphertext);
-- otherwise a restic file type (config, data, keys, locks, snapshots, index).
CREATE TABLE objects (
    repo_id    text        NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    kind       text        NOT NULL,
    name       text        NOT NULL,
    size       bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (repo_id, kind, name)
);

-- Uploads handed out (presigned) but not completed: their bytes are reserved against the quota until they expire.
CREATE TABLE uploads (
    id           text        PRIMARY KEY,
    repo_id      text        NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    owner_key    text        NOT NULL,
    sha256       text        NOT NULL,
    size         bigint      NOT NULL,
    multipart_id text,
    part_size    bigint,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX uploads_owner ON uploads (owner_key, expires_at);

CREATE TABLE snapshots (
    repo_id      text        NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    id           text        NOT NULL,
    name         text        NOT NULL,
    taken_at     timestamptz NOT NULL,
    object_count integer     NOT NULL,
    bytes        bigint      NOT NULL,
    PRIMARY KEY (repo_id, id)
);

CREATE TABLE snapshot_objects (
    repo_id     text NOT NULL,
    snapshot_id text NOT NULL,
    name        text NOT NULL,
    PRIMARY KEY (repo_id, snapshot_id, name),
    FOREIGN KEY (repo_id, snapshot_id) REFERENCES snapshots (repo_id, id) ON DELETE CASCADE
);
CREATE INDEX snapshot_objects_by_name ON snapshot_objects (repo_id, name);

-- restic REST tokens: HTTP Basic user = id, password = a 256-bit random secret stored as its SHA-256.
CREATE TABLE tokens (
    id          text        PRIMARY KEY,
    repo_id     text        NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    secret_hash bytea       NOT NULL,
    mode        text        NOT NULL CHECK (mode IN ('read-write', 'append-only')),
    label       text,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX tokens_repo ON tokens (repo_id);

-- Bytes and objects per owner, kept in the transaction of every change (the quota check reads one row).
CREATE TABLE owner_usage (
    owner_key text   PRIMARY KEY,
    bytes     bigint NOT NULL DEFAULT 0,
    objects   bigint NOT NULL DEFAULT 0
);

-- The usage last reported per owner: a report goes out only when it changed.
CREATE TABLE usage_reported (
    owner_key   text        PRIMARY KEY,
    bytes       bigint      NOT NULL,
    objects     bigint      NOT NULL,
    reported_at timestamptz NOT NULL
);

-- An owner's plan as affiliate-billing last announced it.
CREATE TABLE entitlements (
    peer_key    text        PRIMARY KEY,
    plan        text        NOT NULL,
    max_bytes   bigint      NOT NULL,
    valid_until timestamptz,
    updated_at  timestamptz NOT NULL
);
