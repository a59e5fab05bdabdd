package peers.auth.accounts;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The identity key wrapped on the client by a key derived from a recovery code (opaque to the server). */
@Entity
@Table(name = "recovery_wraps")
public class RecoveryWrap extends PanacheEntityBase {

    @Id
    public String accountId;

    /** SHA-256 of the lookup value the client derives from the recovery code. */
    @Column(nullable = false)
    public byte[] lookupHash;

    @Column(nullable = false)
    public String algorithm;

    @Column(nullable = false)
    public byte[] ciphertext;

    @Column(nullable = false)
    public byte[] nonce;

    @Column(nullable = false)
    public byte[] kdfSalt;

    @Column(nullable = false)
    public String identityKey;

    public String encryptionKey;

    @Column(nullable = false)
    public Instant updatedAt;
}
