package peers.registry.identities;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** A device key certified by its identity key until {@link #expiresAt}. */
@Entity
@Table(name = "devices")
public class Device extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "devices_seq")
    @SequenceGenerator(name = "devices_seq", sequenceName = "devices_seq", allocationSize = 50)
    public Long id;

    @Column(nullable = false)
    public long identityId;

    @Column(nullable = false)
    public String deviceKey;

    @Column(nullable = false)
    public Instant expiresAt;

    @Column(nullable = false)
    public String certificate;

    @Column(nullable = false)
    public Instant addedAt;
}
