package peers.sync.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.sync.records.Page;
import peers.sync.records.RecordStore;
import peers.sync.records.StoredRecord;

/**
 * Live tail across replicas. Every append's transaction issues {@code NOTIFY sync_records} (see
 * {@link RecordStore}); PostgreSQL delivers it at commit, in commit order, to every replica that
 * LISTENs, so a notice never arrives before its records are readable, and no second system (nor a
 * dual write) is involved. A notice only wakes subscriptions up: each subscription reads the stream
 * from its own cursor with {@link RecordStore#read}, one pump at a time, so records arrive in order,
 * without gaps or duplicates, and with the same access check as a REST read (a removed member's
 * subscription ends with its next read). Notices missed while the listener reconnects are made up by
 * pumping every subscription on (re)subscribe and on a slow periodic sweep.
 */
@ApplicationScoped
public class TailHub {

    private static final Logger LOG = Logger.getLogger(TailHub.class);
    static final int PAGE = 200;

    private final RecordStore store;
    private final Vertx vertx;
    private final Config config;
    private final ObjectMapper json;
    private final Map<String, Set<Subscription>> byStream = new ConcurrentHashMap<>();
    private PgSubscriber subscriber;

    public TailHub(RecordStore store, Vertx vertx, Config config, ObjectMapper json) {
        this.store = store;
        this.vertx = vertx;
        this.config = config;
        this.json = json;
    }

    /** One socket's subscription to one stream. */
    public final class Subscription {
        final WebSocketConnection connection;
        final PeerKey caller;
        final String stream;
        volatile long cursor;
        volatile boolean closed;
        private final AtomicBoolean busy = new AtomicBoolean();
        private final AtomicBoolean dirty = new AtomicBoolean();

        Subscription(WebSocketConnection connection, PeerKey caller, String stream, long cursor) {
            this.connection = connection;
            this.caller = caller;
            this.stream = stream;
            this.cursor = cursor;
        }

        /** Sends everything after the cursor; runs one pump at a time and repeats when woken meanwhile. */
        void pump() {
            dirty.set(true);
            if (closed || !busy.compareAndSet(false, true)) {
                return;
            }
            dirty.set(false);
            store.read(caller, stream, cursor, PAGE)
                    .chain(this::send)
                    .subscribe().with(more -> {
                        busy.set(false);
                        if (more || dirty.get()) {
                            pump();
                        }
                    }, e -> {
                        busy.set(false);
                        if (e instanceof ProblemException p) {
                            // Access lost, stream deleted, or cursor expired: tell the client and stop this subscription.
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("type", "error");
                            m.put("stream", stream);
                            m.put("code", p.type().name());
                            m.put("message", p.detail());
                            p.extensions().forEach(m::putIfAbsent);
                            TailHub.this.send(connection, m).subscribe().with(x -> { }, x -> { });
                            remove(this);
                        } else {
                            LOG.debugf("tail read of %s failed: %s", stream, e.toString());
                        }
                    });
        }

        private Uni<Boolean> send(Page page) {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (StoredRecord r : page.records()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "record");
                m.put("stream", stream);
                m.put("seq", r.seq());
                m.put("id", r.id());
                m.put("author", r.author());
                m.put("ciphertext", Base64Url.encode(r.ciphertext()));
                m.put("createdAt", r.createdAt().toString());
                m.put("expiresAt", r.expiresAt().toString());
                chain = chain.chain(() -> closed ? Uni.createFrom().voidItem() : TailHub.this.send(connection, m).invoke(() -> cursor = r.seq()));
            }
            return chain.replaceWith(page.more());
        }
    }

    Uni<Void> send(WebSocketConnection c, Map<String, Object> message) {
        try {
            return c.sendText(json.writeValueAsString(message));
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** Starts tailing {@code stream} after {@code cursor} for the socket; the caller checked access first. */
    public Subscription subscribe(WebSocketConnection c, PeerKey caller, String stream, long cursor) {
        Subscription s = new Subscription(c, caller, stream, cursor);
        byStream.computeIfAbsent(stream, k -> ConcurrentHashMap.newKeySet()).add(s);
        s.pump();
        return s;
    }

    public void remove(Subscription s) {
        s.closed = true;
        byStream.computeIfPresent(s.stream, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    void notice(String payload) {
        int space = payload.indexOf(' ');
        String stream = space < 0 ? payload : payload.substring(0, space);
        long last;
        try {
            last = space < 0 ? Long.MAX_VALUE : Long.parseLong(payload.substring(space + 1));
        } catch (NumberFormatException e) {
            last = Long.MAX_VALUE;
        }
        Set<Subscription> subs = byStream.get(stream);
        if (subs != null) {
            for (Subscription s : subs) {
                if (s.cursor < last) {
                    s.pump();
                }
            }
        }
    }

    void pumpAll() {
        byStream.values().forEach(set -> set.forEach(Subscription::pump));
    }

    @Scheduled(every = "${peers.sync.tail-sweep-interval:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        pumpAll();
    }

    void start(@Observes StartupEvent ev) {
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("quarkus.datasource.reactive.url", String.class)
                .replaceFirst("^vertx-reactive:", ""));
        config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(options::setUser);
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(RecordStore.CHANNEL)
                .subscribeHandler(() -> {
                    LOG.debug("live tail listening for new-record notices");
                    pumpAll();
                })
                .handler(this::notice);
        subscriber.connect().subscribe().with(ok -> { }, e -> LOG.warnf("live tail cannot listen (%s); it falls back to the periodic sweep", e.toString()));
    }

    void stop(@Observes ShutdownEvent ev) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }
}
