package peers.signaling.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import peers.signaling.ws.Frames;

/**
 * Which names (peer keys, y-webrtc topics) have holders on <em>other</em> replicas, so that a message whose
 * recipients are all here is not sent through Kafka at all: in the common case (both peers on one replica)
 * a signal costs one socket write, not a Kafka round trip on every replica. Only the "is it also elsewhere?"
 * question uses this; a message for a name with no holder here still goes through the relay (and its
 * delivery is confirmed there), so a late or missing presence entry never loses a signal that has no local
 * recipient.
 *
 * <p>Relay messages ({@code kind}): {@code here} / {@code gone} {name} when a name gets its first / loses its
 * last holder on a replica; {@code hello} {to?} asks replicas (or one) for their {@code roster} {names} (sent
 * in chunks); {@code bye} when a replica stops; {@code alive} every {@link #BEACON_SECONDS} s. A replica
 * unheard of for {@link #SILENT_MILLIS} ms (it crashed) is forgotten; hearing from an unknown replica asks it
 * for its roster (whatever its first message is). A stale entry only costs an unneeded relay message, never a
 * lost one.
 */
@ApplicationScoped
public class Presence implements RelayListener {

    static final int ROSTER_CHUNK = 2000;
    static final int BEACON_SECONDS = 10;
    static final long SILENT_MILLIS = 35_000;

    private final Relay relay;
    /** Names held here, for rosters. */
    private final Set<String> local = ConcurrentHashMap.newKeySet();
    /** name → replicas holding it. */
    private final Map<String, Set<String>> remote = new ConcurrentHashMap<>();
    /** replica → when last heard of (millis). */
    private final Map<String, Long> replicas = new ConcurrentHashMap<>();

    public Presence(Relay relay) {
        this.relay = relay;
    }

    /** {@code name} got its first holder on this replica. */
    public void here(String name) {
        local.add(name);
        ObjectNode m = message("here");
        m.put("name", name);
        relay.publish(name, m);
    }

    /** {@code name} lost its last holder on this replica. */
    public void gone(String name) {
        local.remove(name);
        ObjectNode m = message("gone");
        m.put("name", name);
        relay.publish(name, m);
    }

    /** Whether another replica announced a holder of {@code name} (and has not taken it back). */
    public boolean elsewhere(String name) {
        Set<String> at = remote.get(name);
        return at != null && !at.isEmpty();
    }

    @Override
    public void onRelayReady() {
        // after a start or a Kafka outage: tell the others what is here, and ask what is there
        sendRoster(null);
        relay.publish("presence", message("hello"));
    }

    @Override
    public void onRelay(ObjectNode m) {
        String origin = m.path("origin").asText();
        if (origin.isEmpty()) {
            return;
        }
        boolean known = replicas.put(origin, System.currentTimeMillis()) != null;
        String kind = m.path("kind").asText();
        if (!known && !kind.equals("roster") && !kind.equals("hello") && !kind.equals("bye")) {
            // a replica we forgot (it was silent too long) or never heard of: ask for its names
            ObjectNode hello = message("hello");
            hello.put("to", origin);
            relay.publish("presence", hello);
        }
        switch (kind) {
            case "here" -> remote.computeIfAbsent(m.path("name").asText(), k -> ConcurrentHashMap.newKeySet()).add(origin);
            case "gone" -> drop(m.path("name").asText(), origin);
            case "roster" -> {
                for (JsonNode n : m.path("names")) {
                    remote.computeIfAbsent(n.asText(), k -> ConcurrentHashMap.newKeySet()).add(origin);
                }
            }
            case "hello" -> {
                String to = m.path("to").asText(null);
                if (to == null || to.equals(relay.instance())) {
                    sendRoster(origin);
                }
            }
            case "bye" -> forget(origin);
            default -> {
                // another listener's message
            }
        }
    }

    private void drop(String name, String origin) {
        remote.computeIfPresent(name, (k, at) -> {
            at.remove(origin);
            return at.isEmpty() ? null : at;
        });
    }

    private void forget(String origin) {
        replicas.remove(origin);
        for (String name : new ArrayList<>(remote.keySet())) {
            drop(name, origin);
        }
    }

    private void sendRoster(String requester) {
        List<String> names = new ArrayList<>(local);
        for (int i = 0; i < names.size(); i += ROSTER_CHUNK) {
            ObjectNode m = message("roster");
            if (requester != null) {
                m.put("for", requester);
            }
            ArrayNode a = m.putArray("names");
            names.subList(i, Math.min(names.size(), i + ROSTER_CHUNK)).forEach(a::add);
            relay.publish("presence", m);
        }
    }

    @Scheduled(every = BEACON_SECONDS + "s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void beacon() {
        relay.publish("presence", message("alive"));
        long now = System.currentTimeMillis();
        replicas.forEach((replica, seen) -> {
            if (now - seen > SILENT_MILLIS) {
                forget(replica);
            }
        });
    }

    void shutdown(@Observes ShutdownEvent ev) {
        relay.publish("presence", message("bye"));
    }

    private static ObjectNode message(String kind) {
        ObjectNode m = Frames.JSON.createObjectNode();
        m.put("kind", kind);
        return m;
    }
}
