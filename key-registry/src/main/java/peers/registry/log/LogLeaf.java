package peers.registry.log;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One log entry: the public commitment, and the opening (salt + entry) kept private. */
@Entity
@Table(name = "log_leaves")
public class LogLeaf extends PanacheEntityBase {

    @Id
    public long leafIndex;

    @Column(nullable = false)
    public byte[] commitment;

    @Column(nullable = false)
    public long identityId;

    @Column(nullable = false)
    public byte[] salt;

    @Column(nullable = false)
    public String entry;

    @Column(nullable = false)
    public Instant createdAt;
}
