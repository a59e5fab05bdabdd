package peers.auth.sessions;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A login session; only the SHA-256 (base64url) of its bearer token is stored. */
@Entity
@Table(name = "sessions")
public class Session extends PanacheEntityBase {

    @Id
    public String tokenHash;

    @Column(nullable = false)
    public String accountId;

    @Column(nullable = false)
    public String credentialId;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant expiresAt;

    public Instant revokedAt;
}
