package peers.signaling.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import peers.common.limits.RateLimitConfig;
import peers.signaling.SignalingConfig;
import peers.signaling.relay.Presence;
import peers.signaling.relay.Relay;
import peers.signaling.relay.RelayListener;
import peers.signaling.ws.ErrorCode;
import peers.signaling.ws.Frames;
import peers.signaling.ws.SignalError;

/**
 * Who is connected to this replica, and in which rooms; routes signals and room events to local sockets
 * and, through the {@link Relay}, to the other replicas.
 *
 * <p>Relay messages ({@code kind}):
 * <ul>
 *   <li>{@code signal} {to, from, payload, ack?}: deliver to every local socket of {@code to}; when {@code ack}
 *       is set and something was delivered, answer {@code ack} {instance, ack} to the origin.</li>
 *   <li>{@code join} {room, peer}: local members get {@code peer-joined}; a replica with members in the room
 *       answers {@code presence} {instance, room, to, peers} so the joiner learns of them.</li>
 *   <li>{@code leave} {room, peer}: local members get {@code peer-left}.</li>
 * </ul>
 * Membership is counted per replica; nothing about a room outlives its last socket.
 */
@ApplicationScoped
public class Hub implements RelayListener {

    private final SignalingConfig config;
    private final Relay relay;
    private final Vertx vertx;
    private final Presence presence;
    private final Object lock = new Object();
    private final Set<Session> sessions = new HashSet<>();
    /** peer key → its sockets here and the bucket of the per-key rate limit they share. */
    private final Map<String, Key> byPeer = new HashMap<>();
    private final RateLimitConfig.Limit keyLimit;
    /** Per-key buckets of keys with no socket here that have not refilled yet: reconnecting does not reset the limit. */
    private final Map<String, TokenBucket> resting = new HashMap<>();
    /** room → peer → that peer's sockets in the room. */
    private final Map<String, Map<String, Set<Session>>> rooms = new HashMap<>();
    /** Signals waiting for another replica's delivery confirmation: ack id → what to tell the sender otherwise. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(Session sender, String to, String ref, long timer) {
    }

    private static final class Key {
        final Set<Session> sockets = new LinkedHashSet<>(2);
        final TokenBucket bucket;

        Key(TokenBucket bucket) {
            this.bucket = bucket;
        }
    }

    /** Name of the per-key rate limit of the native protocol (over every message of every socket of a key). */
    public static final String KEY_LIMIT = "signal.key";
    /** Name of the per-connection rate limit of every protocol. */
    public static final String CONNECTION_LIMIT = "signal.connection";

    public Hub(SignalingConfig config, Relay relay, Vertx vertx, Presence presence, RateLimitConfig limits) {
        this.config = config;
        this.keyLimit = limit(limits, KEY_LIMIT);
        this.presence = presence;
        this.relay = relay;
        this.vertx = vertx;
    }

    public void opened(Session s) {
        synchronized (lock) {
            sessions.add(s);
        }
    }

    /** Binds the socket to its identity. */
    public void authenticated(Session s, String peer) {
        boolean first;
        synchronized (lock) {
            Key key = byPeer.get(peer);
            if (key == null) {
                TokenBucket b = resting.remove(peer);
                key = new Key(b != null ? b : new TokenBucket(keyLimit, System.currentTimeMillis()));
                byPeer.put(peer, key);
            }
            Set<Session> mine = key.sockets;
            if (mine.size() >= config.maxConnectionsPerKey()) {
                if (mine.isEmpty()) {
                    byPeer.remove(peer);
                }
                throw new SignalError(ErrorCode.TOO_MANY_CONNECTIONS, "this key already holds " + config.maxConnectionsPerKey()
                        + " connections to this server; close one first").with("limit", "max-connections-per-key")
                        .with("max", config.maxConnectionsPerKey());
            }
            first = mine.isEmpty();
            mine.add(s);
            s.peer(peer, key.bucket);
        }
        if (first) {
            presence.here(presenceName(peer));
        }
    }

    /** The name under which a key's presence on a replica is announced. */
    static String presenceName(String peer) {
        return "key:" + peer;
    }

    /** Joins a room; returns the other peers in it here (others on other replicas follow as peer-joined). */
    public List<String> join(Session s, String room) {
        List<String> members;
        boolean present;
        synchronized (lock) {
            if (s.inRoom(room)) {
                return new ArrayList<>(others(room, s.peer()));
            }
            if (s.roomCount() >= config.maxRoomsPerConnection()) {
                throw new SignalError(ErrorCode.TOO_MANY_ROOMS, "a connection may be in at most " + config.maxRoomsPerConnection()
                        + " rooms; leave one first").with("limit", "max-rooms-per-connection").with("max", config.maxRoomsPerConnection());
            }
            Map<String, Set<Session>> room0 = rooms.get(room);
            present = room0 != null && room0.containsKey(s.peer());
            if (!present && room0 != null && room0.size() >= config.maxMembersPerRoom()) {
                throw new SignalError(ErrorCode.ROOM_FULL, "the room has " + config.maxMembersPerRoom() + " members, the most allowed")
                        .with("limit", "max-members-per-room").with("max", config.maxMembersPerRoom());
            }
            Map<String, Set<Session>> members0 = rooms.computeIfAbsent(room, k -> new HashMap<>());
            members0.computeIfAbsent(s.peer(), k -> new LinkedHashSet<>()).add(s);
            s.rooms().add(room);
            members = new ArrayList<>(others(room, s.peer()));
            if (!present) {
                String event = Frames.peerEvent("peer-joined", room, s.peer());
                forEachOther(room, s.peer(), o -> o.send(event));
            }
        }
        if (!present) {
            // another socket of this key already announced it to the other replicas
            ObjectNode m = relayMessage("join");
            m.put("room", room);
            m.put("peer", s.peer());
            relay.publish(room, m);
        }
        return members;
    }

    public void leave(Session s, String room) {
        synchronized (lock) {
            if (!s.inRoom(room)) {
                throw new SignalError(ErrorCode.NOT_IN_ROOM, "this connection is not in that room").with("room", room);
            }
            leaveLocked(s, room);
        }
    }

    /** Forgets a closed socket: it leaves its rooms, and pending signals of it are dropped. */
    public void closed(Session s) {
        boolean last = false;
        synchronized (lock) {
            sessions.remove(s);
            if (s.rooms != null) {
                for (String room : new ArrayList<>(s.rooms)) {
                    leaveLocked(s, room);
                }
            }
            if (s.peer() != null) {
                Key key = byPeer.get(s.peer());
                if (key != null && key.sockets.remove(s) && key.sockets.isEmpty()) {
                    byPeer.remove(s.peer());
                    if (!key.bucket.full(System.currentTimeMillis())) {
                        resting.put(s.peer(), key.bucket);
                    }
                    last = true;
                }
            }
        }
        if (last) {
            presence.gone(presenceName(s.peer()));
        }
    }

    private void leaveLocked(Session s, String room) {
        if (s.rooms != null) {
            s.rooms.remove(room);
        }
        Map<String, Set<Session>> members = rooms.get(room);
        if (members == null) {
            return;
        }
        Set<Session> mine = members.get(s.peer());
        if (mine != null) {
            mine.remove(s);
            if (mine.isEmpty()) {
                members.remove(s.peer());
                String event = Frames.peerEvent("peer-left", room, s.peer());
                forEachOther(room, s.peer(), o -> o.send(event));
                ObjectNode m = relayMessage("leave");
                m.put("room", room);
                m.put("peer", s.peer());
                relay.publish(room, m);
            }
        }
        if (members.isEmpty()) {
            rooms.remove(room);
        }
    }

    /**
     * Sends {@code payload} to every live socket of {@code to} (but not back to the sending socket). When none
     * is on this replica, another replica must confirm delivery within the ack timeout, or the sender gets
     * {@code peer-not-connected} (with its {@code id}). When some are here, the relay carries the signal only
     * if {@link Presence} knows of connections of {@code to} on other replicas too.
     */
    public void signal(Session from, String to, JsonNode payload, String ref) {
        String frame = Frames.signal(from.peer(), Frames.rawPayload(payload));
        int local = deliver(to, frame, from);
        if (local > 0 && !presence.elsewhere(presenceName(to))) {
            return;
        }
        ObjectNode m = relayMessage("signal");
        m.put("to", to);
        m.put("from", from.peer());
        m.set("payload", payload);
        if (local > 0) {
            relay.publish(to, m);
            return;
        }
        if (!relay.active()) {
            throw notConnected(to);
        }
        String ack = UUID.randomUUID().toString();
        long timer = vertx.setTimer(Math.max(1, config.relay().ackTimeout().toMillis()), t -> {
            Pending p = pending.remove(ack);
            if (p != null) {
                p.sender().send(Frames.error(notConnected(p.to()), p.ref()));
            }
        });
        pending.put(ack, new Pending(from, to, ref, timer));
        m.put("ack", ack);
        relay.publish(to, m);
    }

    private static SignalError notConnected(String to) {
        return new SignalError(ErrorCode.PEER_NOT_CONNECTED, "no connection of that key took the signal; nothing is stored, try again when it is online")
                .with("to", to);
    }

    private int deliver(String to, String frame, Session except) {
        int n = 0;
        synchronized (lock) {
            Key key = byPeer.get(to);
            if (key != null) {
                for (Session t : key.sockets) {
                    if (t != except) {
                        t.send(frame);
                        n++;
                    }
                }
            }
        }
        return n;
    }

    @Override
    public void onRelay(ObjectNode m) {
        switch (m.path("kind").asText()) {
            case "signal" -> {
                String to = m.path("to").asText();
                int n = deliver(to, Frames.signal(m.path("from").asText(), m.path("payload")), null);
                if (n > 0 && m.hasNonNull("ack")) {
                    ObjectNode a = relayMessage("ack");
                    a.put("instance", m.path("origin").asText());
                    a.put("ack", m.path("ack").asText());
                    relay.publish(to, a);
                }
            }
            case "ack" -> {
                if (relay.instance().equals(m.path("instance").asText())) {
                    Pending p = pending.remove(m.path("ack").asText());
                    if (p != null) {
                        vertx.cancelTimer(p.timer());
                    }
                }
            }
            case "join" -> remoteJoin(m.path("room").asText(), m.path("peer").asText(), m.path("origin").asText());
            case "presence" -> {
                if (relay.instance().equals(m.path("instance").asText())) {
                    String room = m.path("room").asText();
                    String to = m.path("to").asText();
                    synchronized (lock) {
                        Set<Session> targets = rooms.getOrDefault(room, Map.of()).get(to);
                        if (targets != null) {
                            for (JsonNode peer : m.path("peers")) {
                                if (!peer.asText().equals(to)) {
                                    String event = Frames.peerEvent("peer-joined", room, peer.asText());
                                    targets.forEach(t -> t.send(event));
                                }
                            }
                        }
                    }
                }
            }
            case "leave" -> {
                String room = m.path("room").asText();
                String peer = m.path("peer").asText();
                synchronized (lock) {
                    String event = Frames.peerEvent("peer-left", room, peer);
                    forEachOther(room, peer, o -> o.send(event));
                }
            }
            default -> {
                // a newer replica's message kind: ignore
            }
        }
    }

    private void remoteJoin(String room, String peer, String origin) {
        List<String> here;
        synchronized (lock) {
            here = new ArrayList<>(others(room, peer));
            String event = Frames.peerEvent("peer-joined", room, peer);
            forEachOther(room, peer, o -> o.send(event));
        }
        if (!here.isEmpty()) {
            ObjectNode p = relayMessage("presence");
            p.put("instance", origin);
            p.put("room", room);
            p.put("to", peer);
            var a = p.putArray("peers");
            here.forEach(a::add);
            relay.publish(room, p);
        }
    }

    /** Says goodbye to the other replicas for every local member, so their peers see peer-left. */
    void shutdown(@Observes ShutdownEvent ev) {
        synchronized (lock) {
            for (var room : rooms.entrySet()) {
                for (String peer : room.getValue().keySet()) {
                    ObjectNode m = relayMessage("leave");
                    m.put("room", room.getKey());
                    m.put("peer", peer);
                    relay.publish(room.getKey(), m);
                }
            }
        }
    }

    /** Forgets resting per-key buckets that have refilled. */
    public void purgeBuckets(long nowMillis) {
        synchronized (lock) {
            resting.values().removeIf(b -> b.full(nowMillis));
        }
    }

    /** Live sockets on this replica, for the idle sweep. */
    public List<Session> sessions() {
        synchronized (lock) {
            return new ArrayList<>(sessions);
        }
    }

    private Set<String> others(String room, String peer) {
        Map<String, Set<Session>> members = rooms.get(room);
        if (members == null) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>(members.keySet());
        out.remove(peer);
        return out;
    }

    private void forEachOther(String room, String peer, java.util.function.Consumer<Session> action) {
        Map<String, Set<Session>> members = rooms.get(room);
        if (members == null) {
            return;
        }
        for (var e : members.entrySet()) {
            if (!e.getKey().equals(peer)) {
                e.getValue().forEach(action);
            }
        }
    }

    /** The per-key rate limit of the native protocol. */
    public RateLimitConfig.Limit keyLimit() {
        return keyLimit;
    }

    /** A configured rate limit; a missing one is a deployment error. */
    public static RateLimitConfig.Limit limit(RateLimitConfig limits, String name) {
        RateLimitConfig.Limit l = limits.limits().get(name);
        if (l == null) {
            throw new IllegalStateException("no rate limit named '" + name + "' is configured (peers.rate-limits.\"" + name + "\".*)");
        }
        return l;
    }

    private static ObjectNode relayMessage(String kind) {
        ObjectNode m = Frames.JSON.createObjectNode();
        m.put("kind", kind);
        return m;
    }
}
