package peers.registry.identities;

import com.ibm.icu.text.Normalizer2;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
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
 */
@ApplicationScoped
public class IdentityLookup {

    /** Search prefixes are folded the way handles are, so "AL" finds "alice". */
    private static final Normalizer2 SEARCH_FOLD = Normalizer2.getNFKCCasefoldInstance();

    private final TransparencyLog log;
    private final IdentityService identities;

    public IdentityLookup(TransparencyLog log, IdentityService identities) {
        this.log = log;
        this.identities = identities;
    }

    /** An identity as proven by the log: its row, newest entry, and the proof. */
    public record Proven(Identity identity, LogLeaf leaf, List<byte[]> inclusion, SignedTreeHead head) {
    }

    /** A search hit. */
    public record Listed(String handle, String identityKey) {
    }

    @WithSession
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
        return Identity.<Identity>find("handle = ?1 and status = ?2 and discoverability <> ?3",
                handle.normalized(), Identity.Status.ACTIVE, Identity.Discoverability.PRIVATE).firstResult()
                .chain(i -> {
                    if (i == null) {
                        throw RegistryProblems.unknownIdentity("with the handle '" + handle.normalized() + "'");
                    }
                    return prove(i);
                });
    }

    /** By current or past key; revoked identities are answered too (status "revoked"), so peers learn of it. */
    @WithSession
    public Uni<Proven> byKey(String text) {
        PeerKey key = IdentityService.parseKey("key", text);
        return IdentityKey.<IdentityKey>findById(key.toString())
                .chain(k -> {
                    if (k == null) {
                        throw RegistryProblems.unknownIdentity("with the key " + key);
                    }
                    return Identity.<Identity>findById(k.identityId);
                })
                .chain(this::prove);
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
                                .map(proofs -> leaves.stream().map(l -> new Proven(i, l, proofs.get(l.leafIndex), head)).toList()))));
    }

    @WithSession
    public Uni<Proven> byId(long id) {
        return Identity.<Identity>findById(id).chain(this::prove);
    }

    private Uni<Proven> prove(Identity i) {
        return LogLeaf.<LogLeaf>findById(i.lastLeaf).chain(leaf -> log.headIncluding(leaf.leafIndex)
                .chain(head -> log.inclusionProof(leaf.leafIndex, head.treeSize()).map(p -> new Proven(i, leaf, p, head))));
    }
}
