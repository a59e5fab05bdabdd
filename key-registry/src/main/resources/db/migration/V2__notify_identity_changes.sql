-- Every committed change to an identity notifies its id on channel peers_registry_identity: each
-- replica's lookup cache evicts it (identities/LookupCache). NOTIFY from a trigger is delivered at
-- commit and only if the transaction commits, exactly when the cache must forget.
CREATE FUNCTION notify_identity_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('peers_registry_identity', NEW.id::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER identities_notify AFTER INSERT OR UPDATE ON identities
    FOR EACH ROW EXECUTE FUNCTION notify_identity_change();
