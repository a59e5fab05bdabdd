package peers.registry.identities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ibm.icu.text.Normalizer2;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.registry.handles.Handle;
import peers.registry.handles.InvalidHandle;
import peers.registry.log.LogLeaf;
import peers.registry.log.SignedTreeHead;
import peers.registry.log.TransparencyLog;

/**
 * Read side of identities: every answer is the identity's newest log entry with its inclusion proof
 * against a signed tree head, so a client can verify what it was told. Discoverability is enforced
 * here: by handle finds public and unlisted identities, by key finds any identity, search lists
 * public ones only.
 *
 * <p>Lookups are the hot path: each is one SQL statement on the reactive pool (identity joined to
 * its newest leaf); the tree head and tree nodes come from {@link TransparencyLog}'s caches.
 */
@ApplicationScoped
public class IdentityLookup {

    /** Search prefixes are folded the way handles are, so "AL" finds "alice". */
    private static final Normalizer2 SEARCH_FOLD = Normalizer2.getNFKCCasefoldInstance();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String COLUMNS = "SELECT i.created_at, l.leaf_index, l.entry, l.salt, i.id FROM identities i JOIN log_leaves l ON l.leaf_index = i.last_leaf ";
    private static final String BY_HANDLE = COLUMNS + "WHERE i.handle = $1 AND i.status = 'ACTIVE' AND i.discoverability <> 'PRIVATE'";
    private static final String BY_KEY = COLUMNS + "JOIN identity_keys k ON k.identity_id = i.id WHERE k.key_id = $1";
    private static final String BY_ID = COLUMNS + "WHERE i.id = $1";

    private final TransparencyLog log;
    private final IdentityService identities;
    private final Pool pool;
    private final LookupCache cache;

    public IdentityLookup(TransparencyLog log, IdentityService identities, Pool pool, LookupCache cache) {
        this.cache = cache;
        this.log = log;
        this.identities = identities;
        this.pool = pool;
    }

    /** An identity's newest log entry with its proof. */
    public record Proven(long identityId, Instant createdAt, long leafIndex, String entry, byte[] salt, List<byte[]> inclusion, SignedTreeHead head) {

        /** The entry, parsed: what the identity is, as the log committed it. */
        public JsonNode state() {
            try {
                return JSON.readTree(entry);
            } catch (Exception e) {
                throw new IllegalStateException("stored log entry is not JSON", e);
            }
        }
    }

    /** A search hit. */
    public record Listed(String handle, String identityKey) {
    }

    public Uni<Proven> byHandle(String raw) {
        Handle handle;
        try {
            handle = identities.handles().check(raw);
        } catch (InvalidHandle e) {
            if (e.reason() == InvalidHandle.Reason.RESERVED) {
                return Uni.createFrom().failure(RegistryProblems.unknownIdentity("with this handle"));
            }
            return Uni.createFrom().failure(new ProblemException(RegistryProblems.HANDLE_INVALID, e.getMessage())
                    .with("reason", e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        }
        return cached("h:" + handle.normalized(), () -> pool.preparedQuery(BY_HANDLE).execute(Tuple.of(handle.normalized()))
                .chain(rows -> prove(rows, "with the handle '" + handle.normalized() + "'")));
    }

    /** By current or past key; revoked identities are answered too (status "revoked"), so peers learn of it. */
    public Uni<Proven> byKey(String text) {
        PeerKey key = IdentityService.parseKey("key", text);
        return cached("k:" + key, () -> pool.preparedQuery(BY_KEY).execute(Tuple.of(key.toString())).chain(rows -> prove(rows, "with the key " + key)));
    }

    public Uni<Proven> byId(long id) {
        return pool.preparedQuery(BY_ID).execute(Tuple.of(id)).chain(rows -> prove(rows, "with this id"));
    }

    /** Public handles starting with a prefix, in handle order, after a cursor. */
    @WithSession
    public Uni<List<Listed>> search(String prefix, String after, int limit) {
        String normalized = SEARCH_FOLD.normalize(prefix);
        String like = normalized.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return Identity.<Identity>find("handle like ?1 escape '\\' and handle > ?2 and discoverability = ?3 and status = ?4 order by handle",
                like, after == null ? "" : after, Identity.Discoverability.PUBLIC, Identity.Status.ACTIVE)
                .page(0, limit).list()
                .map(list -> list.stream().map(i -> new Listed(i.handle, i.identityKey)).toList());
    }

    /** Every log entry about the caller's identity, oldest first, each with a proof. */
    @WithSession
    public Uni<List<Proven>> history(PeerKey caller, String pathKey, long afterLeaf, int limit) {
        return identities.owned(caller, pathKey)
                .chain(i -> LogLeaf.<LogLeaf>find("identityId = ?1 and leafIndex > ?2 order by leafIndex", i.id, afterLeaf)
                        .page(0, limit).list()
                        .chain(leaves -> log.headIncluding(i.lastLeaf).chain(head -> log
                                .inclusionProofs(leaves.stream().map(l -> l.leafIndex).toList(), head.treeSize())
                                .map(proofs -> leaves.stream()
                                        .map(l -> new Proven(i.id, i.createdAt, l.leafIndex, l.entry, l.salt, proofs.get(l.leafIndex), head)).toList()))));
    }

    /** Forgets cached answers about an identity after this replica changed it. */
    public void changed(long identityId) {
        cache.evict(identityId);
    }

    /** A cached answer, its proof brought up to the current tree head when the log has grown. */
    private Uni<Proven> cached(String key, java.util.function.Supplier<Uni<Proven>> load) {
        return cache.get(key, load, Proven::identityId).chain(p -> log.latestHead().chain(head -> {
            if (head == null || head.treeSize() <= p.head().treeSize()) {
                return Uni.createFrom().item(p);
            }
            return log.inclusionProof(p.leafIndex(), head.treeSize()).map(proof -> {
                Proven fresher = new Proven(p.identityId(), p.createdAt(), p.leafIndex(), p.entry(), p.salt(), proof, head);
                cache.refresh(key, fresher);
                return fresher;
            });
        }));
    }

    private Uni<Proven> prove(RowSet<Row> rows, String what) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            return Uni.createFrom().failure(RegistryProblems.unknownIdentity(what));
        }
        Row r = it.next();
        Instant created = r.getOffsetDateTime(0).toInstant();
        long leaf = r.getLong(1);
        String entry = r.getString(2);
        byte[] salt = r.getBuffer(3).getBytes();
        long id = r.getLong(4);
        return log.headIncluding(leaf).chain(head -> log.inclusionProof(leaf, head.treeSize())
                .map(p -> new Proven(id, created, leaf, entry, salt, p, head)));
    }
}
