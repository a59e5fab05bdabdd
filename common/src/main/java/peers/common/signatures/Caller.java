package peers.common.signatures;

import jakarta.enterprise.context.RequestScoped;
import peers.common.identity.PeerKey;

/** The peer key that signed the current request; set by {@link SignatureFilter}. */
@RequestScoped
public class Caller {

    private PeerKey key;

    void set(PeerKey key) {
        this.key = key;
    }

    /** The verified signer. Only valid on {@link Signed} operations. */
    public PeerKey key() {
        if (key == null) {
            throw new IllegalStateException("no verified caller: is the operation annotated @Signed?");
        }
        return key;
    }
}
