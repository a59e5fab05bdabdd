package peers.registry.log;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;
import peers.registry.RegistryConfig;
import peers.registry.log.merkle.MerkleHash;
import peers.registry.log.merkle.NodeId;
import peers.registry.log.merkle.TreeMath;

/**
 * The registry's append-only RFC 9162 Merkle log. Every change to an identity appends one leaf in
 * the same transaction as the change, and a signed tree head for the new size.
 *
 * <p>A leaf's data is a 32-byte commitment, {@code SHA-256("peers-registry-entry/v1" || 0x00 ||
 * salt || entry)}, to a JSON entry describing the identity after the change. Auditors see only
 * commitments, so the log never reveals an unlisted or private handle (or even a private
 * identity's key); whoever may see an identity receives the entry and salt and can check them
 * against the leaf and the leaf against a signed tree head.
 *
 * <p>Proofs read O(log n) stored perfect-subtree hashes (see {@link TreeMath}), never the whole tree.
 */
@ApplicationScoped
public class TransparencyLog {

    public static final String ENTRY_CONTEXT = "peers-registry-entry/v1";
    static final ProblemType BAD_TREE_SIZE = ProblemType.of("tree-size-out-of-range", 422, "Tree size out of range");

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String HEAD_COLUMNS = "SELECT tree_size, root_hash, signed_at, signature FROM tree_heads ";

    private final Pool pool;
    private final LogSigner signer;
    private final Clock clock;
    private final NodeCache nodes;
    private final long headTtlMillis;
    private volatile SignedTreeHead cachedHead;
    private volatile long cachedHeadAt;

    public TransparencyLog(Pool pool, LogSigner signer, Clock clock, RegistryConfig config) {
        this.pool = pool;
        this.signer = signer;
        this.clock = clock;
        this.nodes = new NodeCache(config.log().nodeCacheSize());
        this.headTtlMillis = config.log().treeHeadCacheTtl().toMillis();
    }

    /** The result of an append: the new leaf and the head that includes it. */
    public record Appended(LogLeaf leaf, SignedTreeHead head) {
    }

    /**
     * Serializes writers: every write transaction takes this lock first, so leaves get dense indexes
     * and identity checks (handle taken, key used) cannot race. Must run inside a transaction.
     */
    public Uni<Void> lock() {
        // A DO block, not a SELECT: Hibernate caches an interpretation per typed native SELECT call, and
        // those keys never compare equal, so a SELECT here grew that cache on every write (seen in the bench profile).
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "DO $$ BEGIN PERFORM pg_advisory_xact_lock(hashtext('peers.registry.log')); END $$").executeUpdate()).replaceWithVoid();
    }

    /** Appends an entry about an identity. Call after {@link #lock()} in the same transaction. */
    public Uni<Appended> append(long identityId, String entry) {
        // Read on the pool, outside this transaction: under the lock, every earlier append is committed.
        return newest().chain(latest -> prepare(latest, identityId, entry)).chain(p -> {
            List<Object> rows = new ArrayList<>();
            rows.add(p.leaf());
            p.nodes().forEach((id, hash) -> {
                LogNode node = new LogNode();
                node.id = LogNode.idOf(id);
                node.hash = hash;
                rows.add(node);
            });
            rows.add(p.head());
            return Panache.getSession().chain(s -> s.persistAll(rows.toArray())).replaceWith(p.appended());
        });
    }

    /**
     * An append computed and signed under the log lock, not yet written: the leaf, the subtree hashes it completes and
     * the signed head of the new size.
     */
    public record Pending(LogLeaf leaf, Map<NodeId, byte[]> nodes, TreeHead head) {

        public Appended appended() {
            return new Appended(leaf, SignedTreeHead.of(head));
        }
    }

    /**
     * Takes the log lock in {@code conn}'s transaction and computes the append of an entry, for writers on a Vert.x SQL
     * connection (see {@code IdentityService#register}). The lock and the read of the newest head are pipelined: one
     * round trip, and the read still sees every earlier append, because PostgreSQL runs it (with a fresh READ COMMITTED
     * snapshot) only after the lock statement has returned. Write the result with {@link #write} before committing.
     */
    public Uni<Pending> lockAndPrepare(SqlConnection conn, long identityId, String entry) {
        Uni<RowSet<Row>> lock = conn.query("SELECT pg_advisory_xact_lock(hashtext('peers.registry.log'))").execute();
        Uni<RowSet<Row>> newest = conn.preparedQuery(HEAD_COLUMNS + "ORDER BY tree_size DESC LIMIT 1").execute();
        return Uni.combine().all().unis(lock, newest).asTuple()
                .chain(t -> prepare(headOf(t.getItem2()), identityId, entry));
    }

    /** Writes a prepared append (leaf, nodes, head) in one statement on the connection whose transaction holds the lock. */
    public Uni<Void> write(SqlConnection conn, Pending p) {
        Long[] ids = new Long[p.nodes().size()];
        Buffer[] hashes = new Buffer[ids.length];
        int k = 0;
        for (Map.Entry<NodeId, byte[]> e : p.nodes().entrySet()) {
            ids[k] = LogNode.idOf(e.getKey());
            hashes[k++] = Buffer.buffer(e.getValue());
        }
        LogLeaf l = p.leaf();
        TreeHead h = p.head();
        return conn.preparedQuery("WITH leaf AS (INSERT INTO log_leaves (leaf_index, commitment, identity_id, salt, entry, created_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6)), "
                        + "nodes AS (INSERT INTO log_nodes (id, hash) SELECT * FROM unnest($7::bigint[], $8::bytea[])) "
                        + "INSERT INTO tree_heads (tree_size, root_hash, signed_at, signature) VALUES ($9, $10, $11, $12)")
                .execute(Tuple.from(new Object[] {l.leafIndex, Buffer.buffer(l.commitment), l.identityId, Buffer.buffer(l.salt), l.entry,
                        l.createdAt.atOffset(ZoneOffset.UTC), ids, hashes, h.treeSize, Buffer.buffer(h.rootHash),
                        h.signedAt.atOffset(ZoneOffset.UTC), Buffer.buffer(h.signature)}))
                .replaceWithVoid();
    }

    /** Computes the leaf after {@code latest}, the subtree hashes it completes, the new root, and signs the new head. */
    private Uni<Pending> prepare(SignedTreeHead latest, long identityId, String entry) {
        Instant now = clock.instant();
        long index = latest == null ? 0 : latest.treeSize();
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        byte[] commitment = commitment(salt, entry);
        byte[] leafHash = MerkleHash.leafHash(commitment);

        Map<NodeId, byte[]> computed = new HashMap<>();
        computed.put(NodeId.leaf(index), leafHash);
        List<NodeId> completed = TreeMath.nodesCompletedByAppend(index);
        Set<NodeId> needed = new HashSet<>();
        for (NodeId n : completed) {
            needed.add(n.leftChild());
        }
        needed.addAll(TreeMath.nodesForRoot(index + 1));
        return read(needed, computed.keySet(), completed).chain(known -> {
            known.putAll(computed);
            for (NodeId n : completed) {
                byte[] h = MerkleHash.nodeHash(known.get(n.leftChild()), known.get(n.rightChild()));
                known.put(n, h);
                computed.put(n, h);
            }
            byte[] root = TreeMath.root(index + 1, known::get);
            long signedAt = now.toEpochMilli();
            return signer.sign(index + 1, root, signedAt).map(signature -> {
                LogLeaf leaf = new LogLeaf();
                leaf.leafIndex = index;
                leaf.commitment = commitment;
                leaf.identityId = identityId;
                leaf.salt = salt;
                leaf.entry = entry;
                leaf.createdAt = now;
                TreeHead head = new TreeHead();
                head.treeSize = index + 1;
                head.rootHash = root;
                head.signedAt = Instant.ofEpochMilli(signedAt);
                head.signature = signature;
                return new Pending(leaf, computed, head);
            });
        });
    }

    /** The newest signed tree head, reused for up to the configured TTL. */
    public Uni<SignedTreeHead> latestHead() {
        SignedTreeHead h = cachedHead;
        if (h != null && clock.millis() - cachedHeadAt < headTtlMillis) {
            return Uni.createFrom().item(h);
        }
        return freshHead();
    }

    /** A head that includes the given leaf: the cached one if it is large enough, otherwise the newest. */
    public Uni<SignedTreeHead> headIncluding(long leafIndex) {
        SignedTreeHead h = cachedHead;
        if (h != null && h.treeSize() > leafIndex && clock.millis() - cachedHeadAt < headTtlMillis) {
            return Uni.createFrom().item(h);
        }
        return freshHead();
    }

    private Uni<SignedTreeHead> freshHead() {
        return newest().map(head -> {
            if (head != null) {
                cachedHead = head;
                cachedHeadAt = clock.millis();
            }
            return head;
        });
    }

    /** The stored head of one size. */
    public Uni<SignedTreeHead> head(long treeSize) {
        return pool.preparedQuery(HEAD_COLUMNS + "WHERE tree_size = $1").execute(Tuple.of(treeSize)).map(TransparencyLog::headOf);
    }

    private Uni<SignedTreeHead> newest() {
        return pool.preparedQuery(HEAD_COLUMNS + "ORDER BY tree_size DESC LIMIT 1").execute().map(TransparencyLog::headOf);
    }

    private static SignedTreeHead headOf(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            return null;
        }
        Row r = it.next();
        return new SignedTreeHead(r.getLong(0), r.getBuffer(1).getBytes(), r.getOffsetDateTime(2).toInstant().toEpochMilli(), r.getBuffer(3).getBytes());
    }

    /** RFC 9162 inclusion proof of a leaf in the tree of the given size. */
    public Uni<List<byte[]>> inclusionProof(long leafIndex, long treeSize) {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            return Uni.createFrom().failure(new ProblemException(BAD_TREE_SIZE, "leaf index must be at least 0 and below the tree size"));
        }
        return read(TreeMath.nodesForInclusion(leafIndex, treeSize), Set.of(), List.of())
                .map(known -> TreeMath.inclusionProof(leafIndex, treeSize, known::get));
    }

    /** Inclusion proofs of several leaves in one tree size, reading the nodes of all of them at once. */
    public Uni<Map<Long, List<byte[]>>> inclusionProofs(List<Long> leafIndexes, long treeSize) {
        Set<NodeId> ids = new HashSet<>();
        for (long leaf : leafIndexes) {
            if (leaf < 0 || leaf >= treeSize) {
                return Uni.createFrom().failure(new ProblemException(BAD_TREE_SIZE, "leaf index must be at least 0 and below the tree size"));
            }
            ids.addAll(TreeMath.nodesForInclusion(leaf, treeSize));
        }
        return read(ids, Set.of(), List.of()).map(known -> {
            Map<Long, List<byte[]>> out = new java.util.LinkedHashMap<>();
            for (long leaf : leafIndexes) {
                out.put(leaf, TreeMath.inclusionProof(leaf, treeSize, known::get));
            }
            return out;
        });
    }

    /** RFC 9162 consistency proof between two tree sizes. */
    public Uni<List<byte[]>> consistencyProof(long first, long second) {
        if (first < 1 || first > second) {
            return Uni.createFrom().failure(new ProblemException(BAD_TREE_SIZE, "need 1 <= first <= second"));
        }
        return read(TreeMath.nodesForConsistency(first, second), Set.of(), List.of())
                .map(known -> TreeMath.consistencyProof(first, second, known::get));
    }

    /** The commitment a leaf holds for an entry and its salt. */
    public static byte[] commitment(byte[] salt, String entry) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(ENTRY_CONTEXT.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(salt);
            d.update(entry.getBytes(StandardCharsets.UTF_8));
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads node hashes, from the cache when possible and the rest in one query. Ids in
     * {@code skip} or {@code computedLater} are not read (they are being written now).
     */
    private Uni<Map<NodeId, byte[]>> read(Set<NodeId> ids, Set<NodeId> skip, List<NodeId> computedLater) {
        Map<NodeId, byte[]> known = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (NodeId n : ids) {
            if (skip.contains(n) || computedLater.contains(n)) {
                continue;
            }
            byte[] h = nodes.get(n);
            if (h != null) {
                known.put(n, h);
            } else {
                missing.add(LogNode.idOf(n));
            }
        }
        if (missing.isEmpty()) {
            return Uni.createFrom().item(known);
        }
        return pool.preparedQuery("SELECT id, hash FROM log_nodes WHERE id = ANY($1)").execute(Tuple.of(missing.toArray(new Long[0])))
                .map(rows -> {
                    for (Row r : rows) {
                        NodeId n = LogNode.nodeOf(r.getLong(0));
                        byte[] hash = r.getBuffer(1).getBytes();
                        nodes.put(n, hash);
                        known.put(n, hash);
                    }
                    return known;
                });
    }
}
