-- sync-buffer schema: streams, their members, and the records (ciphertext only), partitioned by expiry day.

CREATE TABLE streams (
    id           text        PRIMARY KEY,
    owner_key    text        NOT NULL,
    -- The per-stream counter: the last sequence number assigned. An append updates this row in its
    -- transaction, which both assigns the next numbers and serializes the stream's appenders, so
    -- sequences are unique and gap-free (a rolled-back append rolls the counter back too).
    last_seq     bigint      NOT NULL DEFAULT 0,
    -- Expiry of the newest record. New records never expire before older ones of the same stream
    -- (expires_at = greatest(now + retention, last_expires)), so the retained records of a stream are
    -- always a contiguous suffix of its sequence: expiry can cut the head, never leave a hole.
    last_expires timestamptz,
    created_at   timestamptz NOT NULL
);
CREATE INDEX streams_owner ON streams (owner_key);

CREATE TABLE members (
    stream_id   text        NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    member_key  text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    -- The stream key wrapped for this member by a client: opaque bytes the server never interprets.
    wrapped_key bytea,
    added_by    text        NOT NULL,
    added_at    timestamptz NOT NULL,
    PRIMARY KEY (stream_id, member_key)
);
CREATE INDEX members_member ON members (member_key);

-- Records, range-partitioned by the day they expire (UTC). Expiry drops whole partitions: O(1) per day
-- of data, no row-by-row deletes, no vacuum debt. Partitions are created ahead and dropped by
-- peers.sync.records.Partitions. Partitioning by expiry day rather than creation day keeps this exact
-- when owners have different retentions: a partition is dropped the day all its rows expire.
CREATE TABLE records (
    stream_id  text        NOT NULL,
    seq        bigint      NOT NULL,
    record_id  text        NOT NULL,
    author_key text        NOT NULL,
    ciphertext bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
) PARTITION BY RANGE (expires_at);
-- Partitioned indexes: every partition gets its own. (stream_id, seq) serves reads after a cursor;
-- (stream_id, record_id) serves the idempotency check of appends.
CREATE INDEX records_stream_seq ON records (stream_id, seq);
CREATE INDEX records_stream_record ON records (stream_id, record_id);

-- Bytes and records stored per owner and expiry day: the quota check sums the owner's live days; a
-- day's row is deleted with that day's partition. One row per owner and day, not per record.
CREATE TABLE usage_days (
    owner_key text   NOT NULL,
    day       date   NOT NULL,
    bytes     bigint NOT NULL,
    records   bigint NOT NULL,
    PRIMARY KEY (owner_key, day)
);

-- What each owner's plan allows, from affiliate-billing's entitlement events. No row: free plan.
CREATE TABLE entitlements (
    peer_key       text        PRIMARY KEY,
    plan           text        NOT NULL,
    retention_days integer     NOT NULL,
    max_bytes      bigint      NOT NULL,
    max_records    bigint      NOT NULL,
    valid_until    timestamptz,
    updated_at     timestamptz NOT NULL
);

-- The usage last reported per owner: a report goes out only when it changed (including to zero).
CREATE TABLE usage_reported (
    owner_key   text        PRIMARY KEY,
    bytes       bigint      NOT NULL,
    records     bigint      NOT NULL,
    reported_at timestamptz NOT NULL
);
