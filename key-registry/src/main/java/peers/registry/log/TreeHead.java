package peers.registry.log;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A signed tree head (RFC 9162 §4.10 in spirit; our own signed text, see {@link LogSigner}). */
@Entity
@Table(name = "tree_heads")
public class TreeHead extends PanacheEntityBase {

    @Id
    public long treeSize;

    @Column(nullable = false)
    public byte[] rootHash;

    @Column(nullable = false)
    public Instant signedAt;

    @Column(nullable = false)
    public byte[] signature;
}
