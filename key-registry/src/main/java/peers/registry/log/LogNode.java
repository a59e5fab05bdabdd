package peers.registry.log;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import peers.registry.log.merkle.NodeId;

/** The hash of a perfect subtree; {@code id = index << 6 | level}. Written once, never changed. */
@Entity
@Table(name = "log_nodes")
public class LogNode extends PanacheEntityBase {

    @Id
    public long id;

    @Column(nullable = false)
    public byte[] hash;

    public static long idOf(NodeId n) {
        return n.index() << 6 | n.level();
    }

    public static NodeId nodeOf(long id) {
        return new NodeId((int) (id & 63), id >>> 6);
    }
}
