package peers.auth.accounts;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A passkey of an account, as verified at registration. */
@Entity
@Table(name = "credentials")
public class Credential extends PanacheEntityBase {

    /** base64url credential id. */
    @Id
    public String id;

    @Column(nullable = false)
    public String accountId;

    @Column(nullable = false)
    public byte[] attestedCredentialData;

    @Column(nullable = false)
    public String attestationFormat;

    @Column(nullable = false)
    public long signCount;

    @Column(nullable = false)
    public boolean uvInitialized;

    @Column(nullable = false)
    public boolean backupEligible;

    @Column(nullable = false)
    public boolean backupState;

    public String transports;

    @Column(nullable = false)
    public byte[] prfSalt;

    @Column(nullable = false)
    public String prfSaltId;

    @Column(nullable = false)
    public Instant createdAt;

    public Instant lastUsedAt;
}
