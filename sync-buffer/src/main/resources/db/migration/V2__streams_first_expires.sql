-- Expiry of the stream's first record: set by the append that assigns seq 1 and never changed. Every record
-- of the stream expires at or after it (expiries never decrease along the sequence), so reads and the
-- replay check bound expires_at from below by greatest(now, first_expires) and PostgreSQL skips the day
-- partitions before it. NULL (no record yet, or a stream from before this column): the bound is now alone.
ALTER TABLE streams ADD COLUMN first_expires timestamptz;
-- Existing streams: the earliest expiry still stored is a lower bound of every retained record's.
UPDATE streams s SET first_expires = (SELECT min(r.expires_at) FROM records r WHERE r.stream_id = s.id) WHERE s.last_seq > 0;
