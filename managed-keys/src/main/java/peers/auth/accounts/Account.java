package peers.auth.accounts;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An account: one identity key, unlocked by one or more passkeys (and optionally a recovery code). */
@Entity
@Table(name = "accounts")
public class Account extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public byte[] userHandle;

    @Column(nullable = false)
    public String identityKey;

    public String encryptionKey;

    /** {@code prf} (keys wrapped on the client) or {@code custodial} (opt-in: the server can decrypt). */
    @Column(nullable = false)
    public String mode;

    public String appId;

    @Column(nullable = false)
    public Instant createdAt;

    public boolean custodial() {
        return "custodial".equals(mode);
    }
}
