package peers.registry.identities;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.persistence.LockModeType;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.outbox.Outbox;
import peers.common.problems.ProblemException;
import peers.registry.RegistryConfig;
import peers.registry.handles.Handle;
import peers.registry.handles.HandlePolicy;
import peers.registry.handles.InvalidHandle;
import peers.registry.log.TransparencyLog;

/**
 * Every change to identities, each in one transaction with its log entry and its event.
 * Authorization happens here, in {@link #owned}: only an identity's current key changes it.
 *
 * <p>Concurrency: changes to one identity serialize on its row lock ({@code SELECT … FOR UPDATE});
 * uniqueness of keys and handles is decided by PostgreSQL's unique constraints (the friendly
 * pre-checks only give better messages), so a lost race is a clean 409; and the log's global lock
 * is held only from the append to the commit, which keeps leaf indexes dense and heads in order.
 */
@ApplicationScoped
public class IdentityService {

    public static final String TOPIC = "peers.identity";

    private final TransparencyLog log;
    private final Pool pool;
    private final Outbox outbox;
    private final Clock clock;
    private final HandlePolicy handles;
    private final RegistryConfig config;

    public IdentityService(TransparencyLog log, Outbox outbox, Clock clock, RegistryConfig config, Pool pool) {
        this.log = log;
        this.pool = pool;
        this.outbox = outbox;
        this.clock = clock;
        this.config = config;
        this.handles = new HandlePolicy(config.handles().reserved().orElse(Set.of()));
    }

    public HandlePolicy handles() {
        return handles;
    }

    /**
     * Registers the caller's key as a new identity with a handle. Returns the identity id.
     *
     * <p>The busiest write, so it runs as plain SQL on one Vert.x connection rather than through Hibernate (the
     * registration profile in docs/benchmarks.md had Hibernate at about half the service's CPU per registration): one
     * statement checks the key and handle and takes the ids; one round trip takes the log lock and reads the newest head;
     * one pipelined round trip writes the identity, its key and devices, the log leaf, nodes and head, and the event;
     * then the commit. Under the lock that is two round trips and the commit, instead of about eight.
     */
    public Uni<Long> register(PeerKey caller, String rawHandle, String encryptionKey, Identity.Discoverability discoverability,
            List<DeviceSpec> devices) {
        Handle handle = checkHandle(rawHandle);
        String encKey = checkEncryptionKey(encryptionKey);
        List<Device> certified = certify(caller.toString(), devices == null ? List.of() : devices, Set.of());
        Instant now = clock.instant();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT EXISTS (SELECT 1 FROM identity_keys WHERE key_id = $1), "
                        + "(SELECT handle FROM identities WHERE handle_skeleton = $2), nextval('identities_seq'), "
                        + "ARRAY(SELECT nextval('devices_seq') FROM generate_series(1, $3))")
                .execute(Tuple.of(caller.toString(), handle.skeleton(), certified.size()))
                .chain(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getBoolean(0)) {
                        throw new ProblemException(RegistryProblems.KEY_REGISTERED,
                                "key " + caller + " already belongs to an identity; a key registers once and is never reused");
                    }
                    ProblemException conflict = handleConflict(handle, r.getString(1));
                    if (conflict != null) {
                        throw conflict;
                    }
                    Identity i = new Identity();
                    i.id = r.getLong(2);
                    i.firstKey = caller.toString();
                    i.identityKey = caller.toString();
                    i.handle = handle.normalized();
                    i.handleSkeleton = handle.skeleton();
                    i.encryptionKey = encKey;
                    i.discoverability = discoverability == null ? Identity.Discoverability.PUBLIC : discoverability;
                    i.status = Identity.Status.ACTIVE;
                    i.entryCount = 1;
                    i.createdAt = now;
                    i.updatedAt = now;
                    Long[] deviceIds = r.getArrayOfLongs(3);
                    for (int k = 0; k < certified.size(); k++) {
                        Device d = certified.get(k);
                        d.id = deviceIds[k];
                        d.identityId = i.id;
                        d.addedAt = now;
                    }
                    return log.lockAndPrepare(conn, i.id, LogEntries.entry("register", i, certified, null)).chain(pending -> {
                        i.lastLeaf = pending.leaf().leafIndex;
                        return Uni.combine().all().unis(insert(conn, i, certified), log.write(conn, pending),
                                outbox.enqueue(conn, TOPIC, "peers.identity.registered.v1", i.firstKey, eventData(i, "register"), now))
                                .discardItems();
                    }).replaceWith(i.id);
                }))
                .onFailure(IdentityService::isUniqueViolation).transform(IdentityService::uniqueProblem);
    }

    /** The rows of a new identity: itself, its first key, and its certified devices, in one statement. */
    private static Uni<Void> insert(SqlConnection conn, Identity i, List<Device> devices) {
        int n = devices.size();
        Long[] ids = new Long[n];
        String[] keys = new String[n];
        OffsetDateTime[] expires = new OffsetDateTime[n];
        String[] certificates = new String[n];
        for (int k = 0; k < n; k++) {
            Device d = devices.get(k);
            ids[k] = d.id;
            keys[k] = d.deviceKey;
            expires[k] = d.expiresAt.atOffset(ZoneOffset.UTC);
            certificates[k] = d.certificate;
        }
        OffsetDateTime at = i.createdAt.atOffset(ZoneOffset.UTC);
        return conn.preparedQuery("WITH i AS (INSERT INTO identities (id, first_key, identity_key, handle, handle_skeleton, encryption_key, "
                        + "discoverability, status, last_leaf, entry_count, created_at, updated_at) "
                        + "VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id), "
                        + "k AS (INSERT INTO identity_keys (key_id, identity_id, added_at) SELECT $2, id, $10 FROM i) "
                        + "INSERT INTO devices (id, identity_id, device_key, expires_at, certificate, added_at) "
                        + "SELECT d.id, i.id, d.device_key, d.expires_at, d.certificate, $10 FROM i, "
                        + "unnest($11::bigint[], $12::text[], $13::timestamptz[], $14::text[]) AS d(id, device_key, expires_at, certificate)")
                .execute(Tuple.from(new Object[] {i.id, i.firstKey, i.handle, i.handleSkeleton, i.encryptionKey, i.discoverability.name(),
                        i.status.name(), i.lastLeaf, i.entryCount, at, ids, keys, expires, certificates}))
                .replaceWithVoid();
    }

    /** Replaces the identity key with {@code newKey}, which proves possession with {@code proof}. */
    @WithTransaction
    public Uni<Long> rotate(PeerKey caller, String pathKey, String newKeyText, String proof, List<DeviceSpec> recertified) {
        PeerKey newKey = parseKey("newKey", newKeyText);
        byte[] sig = decode("proof", proof);
        if (!newKey.verify(Proofs.rotation(caller.toString(), newKey.toString()), sig)) {
            throw new ProblemException(RegistryProblems.ROTATION_PROOF_INVALID, "proof must be the new key's Ed25519 signature over \""
                    + Proofs.ROTATION_CONTEXT + "\\n<old key>\\n<new key>\"");
        }
        List<Device> devices = certify(newKey.toString(), recertified == null ? List.of() : recertified, Set.of());
        return mutate(caller, pathKey, "rotate", "rotated", i -> IdentityKey.<IdentityKey>findById(newKey.toString()).chain(used -> {
            if (used != null) {
                throw new ProblemException(RegistryProblems.KEY_REGISTERED, "the new key " + newKey + " already belongs to an identity");
            }
            Instant now = clock.instant();
            return IdentityKey.<IdentityKey>findById(i.identityKey).chain(old -> {
                old.retiredAt = now;
                IdentityKey k = new IdentityKey();
                k.keyId = newKey.toString();
                k.identityId = i.id;
                k.addedAt = now;
                i.identityKey = newKey.toString();
                // Certificates were signed by the old key: devices stay only when re-certified by the new one.
                return Device.delete("identityId", i.id).chain(() -> {
                    devices.forEach(d -> {
                        d.identityId = i.id;
                        d.addedAt = now;
                    });
                    List<Object> rows = new ArrayList<>(devices);
                    rows.add(k);
                    return Panache.getSession().chain(s -> s.persistAll(rows.toArray()));
                });
            });
        }));
    }

    @WithTransaction
    public Uni<Long> addDevice(PeerKey caller, String pathKey, DeviceSpec spec) {
        return mutate(caller, pathKey, "add-device", "devices-changed", i -> Device.<Device>list("identityId", i.id).chain(current -> {
            Set<String> existing = new HashSet<>();
            current.forEach(d -> existing.add(d.deviceKey));
            if (existing.size() >= config.maxDevices()) {
                throw new ProblemException(RegistryProblems.DEVICE_LIMIT, "an identity may have at most " + config.maxDevices()
                        + " devices; remove one first").with("limit", "registry.max-devices");
            }
            Device d = certify(i.identityKey, List.of(spec), existing).get(0);
            d.identityId = i.id;
            d.addedAt = clock.instant();
            return d.persist().replaceWithVoid();
        }));
    }

    @WithTransaction
    public Uni<Long> removeDevice(PeerKey caller, String pathKey, String deviceKey) {
        return mutate(caller, pathKey, "remove-device", "devices-changed", i -> Device.delete("identityId = ?1 and deviceKey = ?2", i.id, deviceKey)
                .map(n -> {
                    if (n == 0) {
                        throw new ProblemException(RegistryProblems.DEVICE_UNKNOWN, "this identity has no device " + deviceKey);
                    }
                    return null;
                }));
    }

    @WithTransaction
    public Uni<Long> setDiscoverability(PeerKey caller, String pathKey, Identity.Discoverability d) {
        return mutate(caller, pathKey, "discoverability", "discoverability-changed", i -> {
            i.discoverability = d;
            return Uni.createFrom().voidItem();
        });
    }

    @WithTransaction
    public Uni<Long> changeHandle(PeerKey caller, String pathKey, String rawHandle) {
        Handle handle = checkHandle(rawHandle);
        return mutate(caller, pathKey, "change-handle", "handle-changed", i -> ensureHandleFree(handle, i.id).invoke(() -> {
            i.handle = handle.normalized();
            i.handleSkeleton = handle.skeleton();
        }));
    }

    @WithTransaction
    public Uni<Long> releaseHandle(PeerKey caller, String pathKey) {
        return mutate(caller, pathKey, "release-handle", "handle-changed", i -> {
            i.handle = null;
            i.handleSkeleton = null;
            return Uni.createFrom().voidItem();
        });
    }

    /** Revokes the identity for good: its handle is released, its devices removed, its keys never reused. */
    @WithTransaction
    public Uni<Long> revoke(PeerKey caller, String pathKey) {
        return mutate(caller, pathKey, "revoke", "revoked", i -> {
            i.status = Identity.Status.REVOKED;
            i.handle = null;
            i.handleSkeleton = null;
            return Device.delete("identityId", i.id).replaceWithVoid();
        });
    }

    /** The identity whose current key is {@code pathKey}, if the caller is that key. */
    @WithSession
    public Uni<Identity> owned(PeerKey caller, String pathKey) {
        PeerKey key = parseKey("key", pathKey);
        return Identity.<Identity>find("identityKey", key.toString()).firstResult().map(i -> {
            if (i == null) {
                throw RegistryProblems.unknownIdentity("with current key " + key);
            }
            if (!caller.equals(key)) {
                throw new ProblemException(RegistryProblems.NOT_OWNER, "sign this request with the identity's current key " + key
                        + " (it was signed by " + caller + ")");
            }
            return i;
        });
    }

    /** Like {@link #owned}, holding the identity's row lock until commit, so changes to one identity serialize. */
    private Uni<Identity> ownedForUpdate(PeerKey caller, String pathKey) {
        PeerKey key = parseKey("key", pathKey);
        return Identity.<Identity>find("identityKey", key.toString()).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult().map(i -> {
            if (i == null) {
                throw RegistryProblems.unknownIdentity("with current key " + key);
            }
            if (!caller.equals(key)) {
                throw new ProblemException(RegistryProblems.NOT_OWNER, "sign this request with the identity's current key " + key
                        + " (it was signed by " + caller + ")");
            }
            return i;
        });
    }

    /** A concurrent writer won a race the pre-checks could not see: PostgreSQL's unique constraints decide. */
    static boolean isUniqueViolation(Throwable e) {
        return uniqueConstraint(e) != null;
    }

    private static String uniqueConstraint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return pg.getConstraint() == null ? "" : pg.getConstraint();
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException cv && "23505".equals(cv.getSQLState())) {
                return cv.getConstraintName() == null ? "" : cv.getConstraintName();
            }
        }
        return null;
    }

    static Throwable uniqueProblem(Throwable e) {
        String constraint = uniqueConstraint(e);
        return switch (constraint) {
            case "identities_handle_key" -> new ProblemException(RegistryProblems.HANDLE_TAKEN, "the handle is taken; choose another");
            case "identities_handle_skeleton_key" -> new ProblemException(RegistryProblems.HANDLE_CONFUSABLE,
                    "the handle looks like an existing handle (same Unicode confusable skeleton); choose one that reads differently");
            case "identity_keys_pkey", "identities_identity_key_key", "identities_first_key_key" -> new ProblemException(
                    RegistryProblems.KEY_REGISTERED, "the key already belongs to an identity; a key registers once and is never reused");
            case "devices_identity_key" -> ProblemException.invalid("devices.key", "this device is already present");
            default -> new ProblemException(peers.common.problems.ProblemType.CONFLICT, "a concurrent change conflicted with this one; retry");
        };
    }

    private Uni<Long> mutate(PeerKey caller, String pathKey, String op, String event, Function<Identity, Uni<Void>> change) {
        return ownedForUpdate(caller, pathKey)
                .invoke(i -> {
                    if (i.status == Identity.Status.REVOKED) {
                        throw new ProblemException(RegistryProblems.IDENTITY_REVOKED, "identity " + i.firstKey + " is revoked and cannot change");
                    }
                })
                .chain(i -> change.apply(i).replaceWith(i))
                .chain(i -> record(i, op, event))
                .map(i -> i.id)
                .onFailure(IdentityService::isUniqueViolation).transform(IdentityService::uniqueProblem);
    }

    /** Appends the identity's new state to the log and its event to the outbox. */
    private Uni<Identity> record(Identity i, String op, String event) {
        Long previous = i.entryCount == 0 ? null : i.lastLeaf;
        i.entryCount++;
        i.updatedAt = clock.instant();
        return Panache.flush()
                .chain(() -> Device.<Device>list("identityId", i.id))
                // The log lock is taken only now, for the append and the commit: the identity's own rows are
                // written and uniqueness is enforced by constraints before it, so writers overlap until here.
                .chain(devices -> log.lock().chain(() -> log.append(i.id, LogEntries.entry(op, i, devices, previous))))
                .chain(appended -> {
                    i.lastLeaf = appended.leaf().leafIndex;
                    return outbox.enqueue(TOPIC, "peers.identity." + event + ".v1", i.firstKey, eventData(i, op));
                })
                .replaceWith(i);
    }

    /** The data of an identity event, after the change and its append. */
    private static Map<String, Object> eventData(Identity i, String op) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("identity", i.firstKey);
        data.put("identityKey", i.identityKey);
        data.put("handle", i.handle);
        data.put("discoverability", i.discoverability.name().toLowerCase(Locale.ROOT));
        data.put("status", i.status.name().toLowerCase(Locale.ROOT));
        data.put("op", op);
        data.put("leafIndex", i.lastLeaf);
        return data;
    }

    private Uni<Void> ensureHandleFree(Handle handle, Long self) {
        return Identity.<Identity>find("handleSkeleton", handle.skeleton()).firstResult().map(other -> {
            if (other != null && !other.id.equals(self)) {
                throw handleConflict(handle, other.handle);
            }
            return null;
        });
    }

    /** Why a handle cannot be taken when {@code otherHandle} (null: none) already has its skeleton; null if it can. */
    private static ProblemException handleConflict(Handle handle, String otherHandle) {
        if (otherHandle == null) {
            return null;
        }
        if (handle.normalized().equals(otherHandle)) {
            return new ProblemException(RegistryProblems.HANDLE_TAKEN, "the handle '" + handle.normalized() + "' is taken; choose another");
        }
        return new ProblemException(RegistryProblems.HANDLE_CONFUSABLE, "the handle '" + handle.normalized()
                + "' looks like an existing handle (same Unicode confusable skeleton); choose one that reads differently");
    }

    Handle checkHandle(String raw) {
        try {
            return handles.check(raw);
        } catch (InvalidHandle e) {
            throw new ProblemException(RegistryProblems.HANDLE_INVALID, e.getMessage())
                    .with("field", "handle").with("reason", e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    private static String checkEncryptionKey(String text) {
        if (text == null) {
            return null;
        }
        byte[] raw = decode("encryptionKey", text);
        if (raw.length != 32) {
            throw ProblemException.invalid("encryptionKey", "encryptionKey is an X25519 public key: 32 bytes, unpadded base64url; got " + raw.length + " bytes");
        }
        return Base64Url.encode(raw);
    }

    private List<Device> certify(String identityKey, List<DeviceSpec> specs, Set<String> existing) {
        if (specs.size() > config.maxDevices()) {
            throw new ProblemException(RegistryProblems.DEVICE_LIMIT, "at most " + config.maxDevices() + " devices").with("limit", "registry.max-devices");
        }
        Instant now = clock.instant();
        Set<String> seen = new HashSet<>(existing);
        List<Device> out = new ArrayList<>();
        for (DeviceSpec s : specs) {
            if (s == null) {
                throw ProblemException.invalid("devices", "a device entry is null");
            }
            PeerKey key = parseKey("devices.key", s.key());
            if (key.toString().equals(identityKey)) {
                throw ProblemException.invalid("devices.key", "a device key must differ from the identity key");
            }
            if (!seen.add(key.toString())) {
                throw ProblemException.invalid("devices.key", "device " + key + " is listed twice or already present");
            }
            Instant expires = Proofs.expiry(s.expires());
            if (!expires.isAfter(now) || expires.isAfter(now.plus(config.maxDeviceValidity()))) {
                throw ProblemException.invalid("devices.expires", "expires must be a unix time in the future and at most "
                        + config.maxDeviceValidity().toDays() + " days ahead");
            }
            PeerKey identity = PeerKey.parse(identityKey);
            if (!identity.verify(Proofs.deviceCertificate(identityKey, key.toString(), s.expires()), decode("devices.certificate", s.certificate()))) {
                throw new ProblemException(RegistryProblems.CERTIFICATE_INVALID, "the certificate of device " + key
                        + " must be the identity key's Ed25519 signature over \"" + Proofs.DEVICE_CONTEXT
                        + "\\n<identity key>\\n<device key>\\n<expires>\"").with("field", "devices.certificate");
            }
            Device d = new Device();
            d.deviceKey = key.toString();
            d.expiresAt = expires;
            d.certificate = s.certificate();
            out.add(d);
        }
        return out;
    }

    static PeerKey parseKey(String field, String text) {
        try {
            return PeerKey.parse(text);
        } catch (PeerKey.InvalidKeyText e) {
            throw ProblemException.invalid(field, field + ": " + e.getMessage());
        }
    }

    static byte[] decode(String field, String text) {
        try {
            return Base64Url.decode(text, field);
        } catch (PeerKey.InvalidKeyText e) {
            throw ProblemException.invalid(field, e.getMessage());
        }
    }
}
