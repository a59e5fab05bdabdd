package peers.billing.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.Set;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/**
 * Who may use the operator API: requests signed (RFC 9421, like every request) by one of the keys in
 * {@code peers.billing.operator-keys}. No passwords or bearer tokens: an operator holds an Ed25519 key
 * like any peer, and rotating one is a configuration change.
 */
@ApplicationScoped
public class Operators {

    private final Set<String> keys = new HashSet<>();

    public Operators(BillingConfig config) {
        for (String k : config.operatorKeys().orElse(Set.of())) {
            keys.add(PeerKey.parse(k.strip()).toString());
        }
    }

    public void require(PeerKey caller) {
        if (!keys.contains(caller.toString())) {
            throw new ProblemException(BillingProblems.NOT_OPERATOR, "only keys listed in peers.billing.operator-keys may use the operator API");
        }
    }
}
