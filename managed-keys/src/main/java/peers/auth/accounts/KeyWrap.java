package peers.auth.accounts;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The identity key wrapped on the client by one passkey's PRF-derived key (opaque to the server). */
@Entity
@Table(name = "key_wraps")
public class KeyWrap extends PanacheEntityBase {

    @Id
    public String credentialId;

    @Column(nullable = false)
    public String accountId;

    @Column(nullable = false)
    public String algorithm;

    @Column(nullable = false)
    public byte[] ciphertext;

    @Column(nullable = false)
    public byte[] nonce;

    @Column(nullable = false)
    public String saltId;

    @Column(nullable = false)
    public String identityKey;

    public String encryptionKey;

    @Column(nullable = false)
    public Instant updatedAt;
}
