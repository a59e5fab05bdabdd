package peers.signaling.compat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import peers.signaling.hub.Session;
import peers.signaling.relay.Presence;
import peers.signaling.relay.Relay;
import peers.signaling.relay.RelayListener;
import peers.signaling.ws.Frames;

/**
 * y-webrtc's topics on this replica: topic → subscribed sockets. A publish goes to every subscriber here
 * (the sender included, as y-webrtc's own server does) with {@code clients} set to the local subscriber
 * count, and through the relay (kind {@code y-publish}) to the subscribers on the other replicas.
 */
@ApplicationScoped
public class YTopics implements RelayListener {

    private final Relay relay;
    private final Presence presence;
    private final Object lock = new Object();
    private final Map<String, Set<Session>> topics = new HashMap<>();
    private final Map<Session, Set<String>> subscriptions = new HashMap<>();

    public YTopics(Relay relay, Presence presence) {
        this.relay = relay;
        this.presence = presence;
    }

    /** The name under which a topic's subscribers on a replica are announced. */
    static String presenceName(String topic) {
        return "topic:" + topic;
    }

    public void opened(Session s) {
        synchronized (lock) {
            subscriptions.put(s, new LinkedHashSet<>());
        }
    }

    /** Subscribes; false when the socket already has {@code max} topics. */
    public boolean subscribe(Session s, String topic, int max) {
        synchronized (lock) {
            Set<String> mine = subscriptions.get(s);
            if (mine == null) {
                return true;
            }
            if (!mine.contains(topic) && mine.size() >= max) {
                return false;
            }
            mine.add(topic);
            Set<Session> subs = topics.get(topic);
            if (subs == null) {
                subs = new LinkedHashSet<>();
                topics.put(topic, subs);
                presence.here(presenceName(topic));
            }
            subs.add(s);
            return true;
        }
    }

    public void unsubscribe(Session s, String topic) {
        synchronized (lock) {
            Set<String> mine = subscriptions.get(s);
            if (mine != null) {
                mine.remove(topic);
            }
            drop(s, topic);
        }
    }

    public void closed(Session s) {
        synchronized (lock) {
            Set<String> mine = subscriptions.remove(s);
            if (mine != null) {
                mine.forEach(t -> drop(s, t));
            }
        }
    }

    private void drop(Session s, String topic) {
        Set<Session> subs = topics.get(topic);
        if (subs != null) {
            subs.remove(s);
            if (subs.isEmpty()) {
                topics.remove(topic);
                presence.gone(presenceName(topic));
            }
        }
    }

    /** Delivers {@code message} (a publish) to local subscribers and relays it to the replicas with subscribers. */
    public void publish(String topic, ObjectNode message) {
        deliver(topic, message);
        if (!presence.elsewhere(presenceName(topic))) {
            return;
        }
        ObjectNode m = Frames.JSON.createObjectNode();
        m.put("kind", "y-publish");
        m.put("topic", topic);
        m.set("message", message);
        relay.publish(topic, m);
    }

    private void deliver(String topic, ObjectNode message) {
        synchronized (lock) {
            Set<Session> subs = topics.get(topic);
            if (subs == null) {
                return;
            }
            ObjectNode out = message.deepCopy();
            out.put("clients", subs.size());
            String text = Frames.text(out);
            subs.forEach(r -> r.send(text));
        }
    }

    @Override
    public void onRelay(ObjectNode m) {
        if ("y-publish".equals(m.path("kind").asText()) && m.path("message") instanceof ObjectNode message) {
            deliver(m.path("topic").asText(), message);
        }
    }

    public List<Session> sessions() {
        synchronized (lock) {
            return new ArrayList<>(subscriptions.keySet());
        }
    }
}
