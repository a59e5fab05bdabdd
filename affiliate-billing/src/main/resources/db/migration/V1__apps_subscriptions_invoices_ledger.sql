-- affiliate-billing's schema "billing". Money is always an integer amount of minor units (cents) with
-- its ISO 4217 currency; nothing is ever a floating-point number.

-- Apps registered by developers; share_bps null means the platform default applies.
CREATE TABLE apps (
    id          text        PRIMARY KEY,
    owner_key   text        NOT NULL,
    name        text        NOT NULL,
    contact     text        NOT NULL,
    payout_ref  text,
    share_bps   integer     CHECK (share_bps BETWEEN 0 AND 10000),
    created_at  timestamptz NOT NULL
);
CREATE INDEX apps_owner ON apps (owner_key, created_at);

-- When billing first learned of a peer: the attribution window runs from here.
CREATE TABLE peers_seen (
    peer_key      text        PRIMARY KEY,
    first_seen_at timestamptz NOT NULL
);

-- First touch wins: one row per peer, inserted once, never updated (see the trigger below).
CREATE TABLE attributions (
    peer_key      text        PRIMARY KEY,
    app_id        text        NOT NULL REFERENCES apps (id),
    source        text        NOT NULL CHECK (source IN ('account-created', 'client')),
    attributed_at timestamptz NOT NULL
);
CREATE INDEX attributions_app ON attributions (app_id, attributed_at);

-- A peer's subscriptions; at most one is not ended. Prices are copied from the catalog at the time.
CREATE TABLE subscriptions (
    id                   uuid        PRIMARY KEY,
    peer_key             text        NOT NULL,
    plan                 text        NOT NULL,
    status               text        NOT NULL CHECK (status IN ('incomplete', 'active', 'past_due', 'ended')),
    currency             char(3)     NOT NULL,
    price_minor          bigint      NOT NULL CHECK (price_minor >= 0),
    period_months        integer     NOT NULL CHECK (period_months > 0),
    provider             text        NOT NULL,
    period_start         timestamptz NOT NULL,
    period_end           timestamptz NOT NULL CHECK (period_end > period_start),
    cancel_at_period_end boolean     NOT NULL DEFAULT false,
    grace_until          timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    ended_at             timestamptz
);
CREATE UNIQUE INDEX subscriptions_one_current ON subscriptions (peer_key) WHERE status <> 'ended';
CREATE INDEX subscriptions_renewal_due ON subscriptions (period_end) WHERE status = 'active';
CREATE INDEX subscriptions_grace_due ON subscriptions (grace_until) WHERE status IN ('incomplete', 'past_due');

-- Credit a peer holds after a downgrade (unused time of the dearer plan), applied to later invoices.
CREATE TABLE credits (
    peer_key      text    NOT NULL,
    currency      char(3) NOT NULL,
    balance_minor bigint  NOT NULL CHECK (balance_minor >= 0),
    PRIMARY KEY (peer_key, currency)
);

CREATE SEQUENCE invoice_numbers;
CREATE TABLE invoices (
    id              uuid        PRIMARY KEY,
    number          bigint      NOT NULL UNIQUE DEFAULT nextval('invoice_numbers'),
    peer_key        text        NOT NULL,
    subscription_id uuid        NOT NULL REFERENCES subscriptions (id),
    kind            text        NOT NULL CHECK (kind IN ('subscription', 'renewal', 'proration')),
    status          text        NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
    currency        char(3)     NOT NULL,
    total_minor     bigint      NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
    -- refunded and charged back so far; never more than was paid
    reversed_minor  bigint      NOT NULL DEFAULT 0 CHECK (reversed_minor >= 0 AND reversed_minor <= total_minor),
    provider        text        NOT NULL,
    provider_ref    text,
    app_id          text        REFERENCES apps (id),
    share_bps       integer     NOT NULL DEFAULT 0 CHECK (share_bps BETWEEN 0 AND 10000),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL,
    finalized_at    timestamptz,
    paid_at         timestamptz,
    closed_at       timestamptz
);
CREATE INDEX invoices_peer ON invoices (peer_key, created_at DESC);
CREATE INDEX invoices_subscription ON invoices (subscription_id);
CREATE INDEX invoices_collect ON invoices (next_attempt_at) WHERE status = 'open' AND next_attempt_at IS NOT NULL;
CREATE INDEX invoices_app_paid ON invoices (app_id, paid_at) WHERE status = 'paid';
CREATE UNIQUE INDEX invoices_provider_ref ON invoices (provider_ref) WHERE provider_ref IS NOT NULL AND provider = 'stripe';

CREATE TABLE invoice_lines (
    invoice_id   uuid        NOT NULL REFERENCES invoices (id),
    line_no      integer     NOT NULL,
    description  text        NOT NULL,
    plan         text,
    amount_minor bigint      NOT NULL,
    period_start timestamptz,
    period_end   timestamptz,
    PRIMARY KEY (invoice_id, line_no)
);

-- Double-entry ledger, append-only. Entries are signed: debits positive, credits negative; the
-- entries of one transaction sum to zero in each currency (checked by the trigger below).
CREATE TABLE ledger_transactions (
    id           uuid        PRIMARY KEY,
    seq          bigserial   UNIQUE,
    kind         text        NOT NULL CHECK (kind IN ('payment', 'refund', 'chargeback')),
    invoice_id   uuid        NOT NULL REFERENCES invoices (id),
    external_ref text,
    description  text        NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX ledger_transactions_invoice ON ledger_transactions (invoice_id);
CREATE UNIQUE INDEX ledger_transactions_external ON ledger_transactions (kind, external_ref) WHERE external_ref IS NOT NULL AND kind <> 'payment';

CREATE TABLE ledger_entries (
    transaction_id uuid    NOT NULL REFERENCES ledger_transactions (id),
    line_no        integer NOT NULL,
    account        text    NOT NULL,
    currency       char(3) NOT NULL,
    amount_minor   bigint  NOT NULL CHECK (amount_minor <> 0),
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (transaction_id, line_no)
);
CREATE INDEX ledger_entries_account ON ledger_entries (account, created_at);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is refused (the ledger takes reversing transactions; attributions are never overwritten)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER attributions_never_overwritten BEFORE UPDATE OR DELETE ON attributions FOR EACH ROW EXECUTE FUNCTION append_only();

-- Every transaction touched by an INSERT statement must balance per currency once the statement is done
-- (the service inserts all entries of a transaction in one statement).
CREATE FUNCTION ledger_balanced() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    bad record;
BEGIN
    -- One index lookup (primary key prefix) per transaction touched, never a scan of the whole ledger.
    SELECT t.transaction_id, t.currency, t.total INTO bad
      FROM (SELECT n.transaction_id, n.currency,
                   (SELECT sum(e.amount_minor) FROM ledger_entries e
                     WHERE e.transaction_id = n.transaction_id AND e.currency = n.currency) AS total
              FROM (SELECT DISTINCT transaction_id, currency FROM new_rows) n) t
     WHERE t.total <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance in %: entries sum to %', bad.transaction_id, bad.currency, bad.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_balanced();

-- Idempotency keys of POST requests: the first response is kept and replayed for the same key and body.
CREATE TABLE idempotency_keys (
    caller       text        NOT NULL,
    key          text        NOT NULL,
    fingerprint  bytea       NOT NULL,
    status       integer,
    response     text,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

-- Stripe webhook events applied (by Stripe's event id): a redelivery is acknowledged and skipped.
CREATE TABLE stripe_events (
    id          text        PRIMARY KEY,
    type        text        NOT NULL,
    received_at timestamptz NOT NULL
);

-- Stripe customers and their default payment method, per peer.
CREATE TABLE stripe_customers (
    peer_key       text        PRIMARY KEY,
    customer_id    text        NOT NULL UNIQUE,
    payment_method text,
    updated_at     timestamptz NOT NULL
);

-- Latest usage reported by sync-buffer and backup-service (totals, not deltas: the newest wins).
CREATE TABLE usage (
    peer_key    text        NOT NULL,
    service     text        NOT NULL CHECK (service IN ('sync-buffer', 'backup-service')),
    bytes       bigint      NOT NULL CHECK (bytes >= 0),
    items       bigint      NOT NULL CHECK (items >= 0),
    reported_at timestamptz NOT NULL,
    PRIMARY KEY (peer_key, service)
);
