package peers.signaling.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives relay messages published by other replicas. */
public interface RelayListener {
    void onRelay(ObjectNode message);

    /** The relay (re)positioned its reader: messages published from now on reach the other replicas. */
    default void onRelayReady() {
    }
}
