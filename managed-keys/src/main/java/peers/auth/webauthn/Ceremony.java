package peers.auth.webauthn;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A started ceremony: its single-use challenge and what the finish needs. */
@Entity
@Table(name = "ceremonies")
public class Ceremony extends PanacheEntityBase {

    @Id
    public String id;

    /** {@code registration}, {@code authentication} or {@code add-credential}. */
    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public byte[] challenge;

    public String accountId;

    public byte[] userHandle;

    public byte[] prfSalt;

    public String appId;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant expiresAt;

    public Instant usedAt;
}
