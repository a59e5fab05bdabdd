package peers.registry.identities;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A key an identity has had; retired keys still resolve to their identity and are never reused. */
@Entity
@Table(name = "identity_keys")
public class IdentityKey extends PanacheEntityBase {

    @Id
    public String keyId;

    @Column(nullable = false)
    public long identityId;

    @Column(nullable = false)
    public Instant addedAt;

    public Instant retiredAt;
}
