package peers.registry.identities;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registered identity: its current key, handle and settings. Changes are appended to the log. */
@Entity
@Table(name = "identities")
public class Identity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "identities_seq")
    @SequenceGenerator(name = "identities_seq", sequenceName = "identities_seq", allocationSize = 50)
    public Long id;

    /** The first key the identity was registered with: its stable id. */
    @Column(nullable = false)
    public String firstKey;

    @Column(nullable = false)
    public String identityKey;

    public String handle;

    public String handleSkeleton;

    public String encryptionKey;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Discoverability discoverability;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(nullable = false)
    public long lastLeaf;

    @Column(nullable = false)
    public int entryCount;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant updatedAt;

    public enum Status {
        ACTIVE, REVOKED
    }

    /** Who may find an identity, and how. */
    public enum Discoverability {
        /** Found by exact handle, by key, and listed in prefix search. */
        PUBLIC,
        /** Found by exact handle and by key; never listed. */
        UNLISTED,
        /** Found only by key. */
        PRIVATE
    }
}
