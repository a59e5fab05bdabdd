package peers.auth.custodial;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A custodial (opt-in) key, envelope-encrypted under a configured key-encryption key. */
@Entity
@Table(name = "custodial_keys")
public class CustodialKey extends PanacheEntityBase {

    @Id
    public String accountId;

    @Column(nullable = false)
    public String kekId;

    @Column(nullable = false)
    public byte[] wrappedDek;

    @Column(nullable = false)
    public byte[] ciphertext;

    @Column(nullable = false)
    public Instant updatedAt;
}
