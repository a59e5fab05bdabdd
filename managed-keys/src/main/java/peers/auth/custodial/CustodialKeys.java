package peers.auth.custodial;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;
import peers.auth.AuthProblems;
import peers.common.problems.ProblemException;

/** Stores and releases custodial keys (opt-in mode), and moves them to the current key-encryption key. */
@ApplicationScoped
public class CustodialKeys {

    private static final Logger LOG = Logger.getLogger(CustodialKeys.class);

    private final KeyEncryptionKeys keks;
    private final Clock clock;

    public CustodialKeys(KeyEncryptionKeys keks, Clock clock) {
        this.keks = keks;
        this.clock = clock;
    }

    public void requireEnabled() {
        if (!keks.enabled()) {
            throw new ProblemException(AuthProblems.CUSTODIAL_UNAVAILABLE, "this deployment offers no custodial mode "
                    + "(no key-encryption key is configured); use a passkey with the PRF extension");
        }
    }

    /** Seals and stores the key in the caller's transaction. */
    public Uni<CustodialKey> store(String accountId, byte[] key) {
        KeyEncryptionKeys.Envelope e = keks.seal(accountId, key);
        CustodialKey k = new CustodialKey();
        k.accountId = accountId;
        k.kekId = e.kekId();
        k.wrappedDek = e.wrappedDek();
        k.ciphertext = e.ciphertext();
        k.updatedAt = clock.instant();
        return k.persist();
    }

    /** Decrypts the account's key (in the caller's transaction), re-wrapping it under the current key-encryption key. */
    public Uni<byte[]> release(String accountId) {
        return CustodialKey.<CustodialKey>findById(accountId).chain(k -> {
            if (k == null) {
                return Uni.createFrom().failure(new ProblemException(AuthProblems.NOT_CUSTODIAL, "the account holds no custodial key"));
            }
            KeyEncryptionKeys.Envelope e = new KeyEncryptionKeys.Envelope(k.kekId, k.wrappedDek, k.ciphertext);
            byte[] plain = keks.open(accountId, e);
            return rewrap(k).replaceWith(plain);
        });
    }

    private Uni<Void> rewrap(CustodialKey k) {
        if (k.kekId.equals(keks.currentId())) {
            return Uni.createFrom().voidItem();
        }
        KeyEncryptionKeys.Envelope e = keks.rewrap(k.accountId, new KeyEncryptionKeys.Envelope(k.kekId, k.wrappedDek, k.ciphertext));
        k.kekId = e.kekId();
        k.wrappedDek = e.wrappedDek();
        k.updatedAt = clock.instant();
        return Uni.createFrom().voidItem();
    }

    /** Moves up to 500 keys still under an older key-encryption key to the current one; returns how many. */
    public Uni<Integer> rewrapBatch() {
        if (!keks.enabled()) {
            return Uni.createFrom().item(0);
        }
        return Panache.withTransaction(() -> CustodialKey.<CustodialKey>find("kekId <> ?1", keks.currentId()).page(0, 500).list()
                .chain(list -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (CustodialKey k : (List<CustodialKey>) list) {
                        chain = chain.chain(() -> rewrap(k));
                    }
                    return chain.replaceWith(list.size());
                }));
    }

    @Scheduled(every = "10m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> rotate() {
        return rewrapBatch().invoke(n -> {
            if (n > 0) {
                LOG.infof("re-wrapped %d custodial keys under key-encryption key %s", n, keks.currentId());
            }
        }).replaceWithVoid();
    }
}
