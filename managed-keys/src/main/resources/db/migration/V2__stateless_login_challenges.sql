-- Login challenges are stateless: the options hand out a ceremony id that carries its expiry (and the
-- account it is for, when one was named), and the challenge is an HMAC of that id under a key only the
-- servers know. Nothing is written when a login starts; a login's finish records the id's nonce here in
-- the same statement that advances the passkey's counter and creates the session, so each challenge is
-- good for one login, on every replica. Rows can go once the id has expired (the purge keeps an hour).
CREATE TABLE login_challenges (
    nonce      bytea       PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);

-- The HMAC key of login challenges: made once, here, from PostgreSQL's strong random source (two
-- version-4 UUIDs: 244 random bits), and shared by every replica. Replacing it voids the login ceremonies
-- under way (they last minutes) and nothing else.
CREATE TABLE login_challenge_key (
    id  integer PRIMARY KEY CHECK (id = 1),
    key bytea   NOT NULL CHECK (length(key) = 32)
);
INSERT INTO login_challenge_key (id, key)
VALUES (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
