package peers.signaling.compat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import peers.signaling.SignalingConfig;
import peers.signaling.hub.Session;
import peers.signaling.relay.Relay;
import peers.signaling.relay.RelayListener;
import peers.signaling.ws.Frames;

/**
 * PeerJS ids on this replica (id → socket and token) and the routing of PeerJS messages: to the local
 * socket of {@code dst}, else through the relay (kind {@code pj}) with a delivery ack. Where peerjs-server
 * queues a message for a peer that is not there and answers {@code EXPIRE} after 5 s, this server stores
 * nothing and answers {@code EXPIRE} when no replica confirmed delivery within the ack timeout.
 */
@ApplicationScoped
public class PeerJsHub implements RelayListener {

    /** Messages whose loss the sender hears about as EXPIRE (as peerjs-server does); LEAVE and EXPIRE are fire-and-forget. */
    static final Set<String> ACKED = Set.of("OFFER", "ANSWER", "CANDIDATE");

    record Client(Session session, String token) {
    }

    private record Pending(Session sender, String src, String dst, long timer) {
    }

    private final Relay relay;
    private final Vertx vertx;
    private final SignalingConfig config;
    private final Map<String, Client> clients = new HashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    public PeerJsHub(Relay relay, Vertx vertx, SignalingConfig config) {
        this.relay = relay;
        this.vertx = vertx;
        this.config = config;
    }

    /** Registers {@code id} for the socket; false when another socket holds it with another token (ID-TAKEN). */
    public synchronized boolean register(String id, String token, Session s) {
        Client existing = clients.get(id);
        if (existing != null && !existing.token().equals(token)) {
            return false;
        }
        if (existing != null && existing.session() != s) {
            existing.session().close(1000, "reconnected");
        }
        clients.put(id, new Client(s, token));
        return true;
    }

    public synchronized void closed(String id, Session s) {
        Client c = clients.get(id);
        if (c != null && c.session() == s) {
            clients.remove(id);
        }
    }

    private synchronized Session local(String id) {
        Client c = clients.get(id);
        return c == null ? null : c.session();
    }

    public synchronized List<Session> sessions() {
        List<Session> out = new ArrayList<>();
        clients.values().forEach(c -> out.add(c.session()));
        return out;
    }

    /** Routes a client message to {@code dst}: {@code frame} is its text with {@code src} set, for a socket here. */
    public void transmit(Session sender, String src, String dst, ObjectNode message, String frame) {
        String type = message.path("type").asText();
        Session target = local(dst);
        if (target != null) {
            target.send(frame);
            return;
        }
        message.put("src", src);
        ObjectNode m = Frames.JSON.createObjectNode();
        m.put("kind", "pj");
        m.put("dst", dst);
        m.set("message", message);
        if (!ACKED.contains(type)) {
            relay.publish(dst, m);
            return;
        }
        if (!relay.active()) {
            sender.send(expire(src, dst));
            return;
        }
        String ack = UUID.randomUUID().toString();
        long timer = vertx.setTimer(Math.max(1, config.relay().ackTimeout().toMillis()), t -> {
            Pending p = pending.remove(ack);
            if (p != null) {
                p.sender().send(expire(p.src(), p.dst()));
            }
        });
        pending.put(ack, new Pending(sender, src, dst, timer));
        m.put("ack", ack);
        relay.publish(dst, m);
    }

    /** What peerjs-server sends the sender when a message could not be delivered: src is the unreachable peer. */
    static String expire(String src, String dst) {
        ObjectNode e = Frames.of("EXPIRE");
        e.put("src", dst);
        e.put("dst", src);
        return Frames.text(e);
    }

    @Override
    public void onRelay(ObjectNode m) {
        switch (m.path("kind").asText()) {
            case "pj" -> {
                Session target = local(m.path("dst").asText());
                if (target != null && m.path("message") instanceof ObjectNode message) {
                    target.send(Frames.text(message));
                    if (m.hasNonNull("ack")) {
                        ObjectNode a = Frames.JSON.createObjectNode();
                        a.put("kind", "pj-ack");
                        a.put("instance", m.path("origin").asText());
                        a.put("ack", m.path("ack").asText());
                        relay.publish(m.path("dst").asText(), a);
                    }
                }
            }
            case "pj-ack" -> {
                if (relay.instance().equals(m.path("instance").asText())) {
                    Pending p = pending.remove(m.path("ack").asText());
                    if (p != null) {
                        vertx.cancelTimer(p.timer());
                    }
                }
            }
            default -> {
            }
        }
    }
}
