package peers.registry.identities;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;
import peers.registry.RegistryConfig;

/**
 * Caches lookup answers (an identity's newest entry) in memory, so the hot read path needs no
 * database round trip, and keeps every replica's cache exact with PostgreSQL LISTEN/NOTIFY: a
 * trigger on {@code identities} (migration V2) notifies {@value #CHANNEL} with the identity id at
 * every change, delivered at commit to every replica, which evicts it. The writing replica also
 * evicts synchronously after its commit, so a client reads its own writes at once.
 *
 * <p>Safety rules: the cache is bypassed whenever the listening connection is down (a missed
 * notification could leave stale entries, so every reconnect clears it); and an answer read from
 * the database is stored only if no eviction happened while it was being read (generation check),
 * so a read racing a write can never re-insert a stale answer.
 */
@ApplicationScoped
public class LookupCache {

    public static final String CHANNEL = "peers_registry_identity";

    private static final Logger LOG = Logger.getLogger(LookupCache.class);

    private record Cached(long identityId, IdentityLookup.Proven proven) {
    }

    private final ConcurrentHashMap<String, Cached> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final int capacity;
    private final Vertx vertx;
    private final Config config;
    private volatile boolean listening;
    private PgSubscriber subscriber;

    public LookupCache(RegistryConfig registry, Vertx vertx, Config config) {
        this.capacity = registry.lookupCacheSize();
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent ev) {
        if (capacity <= 0) {
            return;
        }
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("quarkus.datasource.reactive.url", String.class)
                .replaceFirst("^vertx-reactive:", ""));
        config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(options::setUser);
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(CHANNEL)
                .subscribeHandler(() -> {
                    // (Re)subscribed: notifications may have been missed meanwhile.
                    entries.clear();
                    generation.incrementAndGet();
                    listening = true;
                    LOG.debug("lookup cache listening for changes");
                })
                .handler(payload -> evict(parse(payload)));
        subscriber.closeHandler(() -> {
            listening = false;
            entries.clear();
            generation.incrementAndGet();
        });
        subscriber.connect().subscribe().with(ok -> { }, e -> LOG.warnf("lookup cache cannot listen (%s); lookups read the database", e.toString()));
    }

    void stop(@Observes ShutdownEvent ev) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** The cached answer for {@code key}, or the one {@code load} reads, cached when that is safe. */
    Uni<IdentityLookup.Proven> get(String key, Supplier<Uni<IdentityLookup.Proven>> load, java.util.function.ToLongFunction<IdentityLookup.Proven> idOf) {
        if (!listening) {
            return load.get();
        }
        Cached c = entries.get(key);
        if (c != null) {
            return Uni.createFrom().item(c.proven());
        }
        long before = generation.get();
        return load.get().invoke(p -> {
            if (listening && generation.get() == before) {
                if (entries.size() >= capacity) {
                    entries.clear();
                }
                entries.put(key, new Cached(idOf.applyAsLong(p), p));
            }
        });
    }

    /** Forgets every answer about an identity. */
    public void evict(long identityId) {
        generation.incrementAndGet();
        entries.values().removeIf(c -> c.identityId() == identityId || identityId < 0);
    }

    /** Replaces a cached answer's proof with one against a newer head (same entry). */
    void refresh(String key, IdentityLookup.Proven fresher) {
        entries.computeIfPresent(key, (k, c) -> c.proven().leafIndex() == fresher.leafIndex() ? new Cached(c.identityId(), fresher) : c);
    }

    private static long parse(String payload) {
        try {
            return Long.parseLong(payload);
        } catch (NumberFormatException e) {
            return -1; // unknown payload: evict everything
        }
    }
}
