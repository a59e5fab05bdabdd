package peers.backup.quota;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An owner's plan as affiliate-billing last announced it (see {@link EntitlementsConsumer}). */
@Entity
@Table(name = "entitlements")
public class Entitlement extends PanacheEntityBase {

    @Id
    public String peerKey;

    @Column(nullable = false)
    public String plan;

    public long maxBytes;

    /** After this instant the free plan applies again; null: until further notice. */
    public Instant validUntil;

    /** Time of the event this row comes from: an older event never overwrites a newer one. */
    @Column(nullable = false)
    public Instant updatedAt;
}
