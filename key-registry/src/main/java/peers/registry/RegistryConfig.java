package peers.registry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Settings of the key-registry service. */
@ConfigMapping(prefix = "peers.registry")
public interface RegistryConfig {

    /** The transparency log. */
    Log log();

    /** Handle rules an operator can extend. */
    Handles handles();

    /**
     * Domains whose {@code acct:handle@domain} WebFinger resources this registry answers; empty means
     * "the host the request was sent to".
     */
    Optional<List<String>> domains();

    /** Most devices an identity may have at once. */
    @WithDefault("32")
    int maxDevices();

    /** Longest validity of a device certificate. */
    @WithDefault("730d")
    Duration maxDeviceValidity();

    /** Lookup answers kept in memory (kept exact across replicas by LISTEN/NOTIFY); 0 turns the cache off. */
    @WithDefault("100000")
    int lookupCacheSize();

    /** Page size bounds for search, log entries and history. */
    @WithDefault("100")
    int maxPageSize();

    /** The discovery document at /.well-known/peers-services. */
    Discovery discovery();

    interface Log {
        /**
         * Origin line of signed tree heads: names this log, so a head cannot be passed off as another
         * log's. Defaults to "peers-registry".
         */
        @WithDefault("peers-registry")
        String origin();

        /**
         * The log's Ed25519 private key, PKCS#8 base64. Set it in production (from a Kubernetes
         * Secret) so that a database thief cannot sign tree heads; when absent the registry creates a
         * key once and keeps it in its database so heads stay verifiable across restarts.
         */
        Optional<String> privateKey();

        /** How long a lookup may reuse the newest tree head it has read before reading it again. */
        @WithDefault("1s")
        Duration treeHeadCacheTtl();

        /** How many immutable tree nodes to keep in memory for proofs. */
        @WithDefault("200000")
        int nodeCacheSize();
    }

    interface Handles {
        /** Names refused in addition to the built-in reserved list (compared by confusable skeleton). */
        Optional<Set<String>> reserved();
    }

    interface Discovery {
        /** Services this host offers: name -> base URL path, e.g. {@code peers.registry.discovery.services.registry=/registry/v1}. */
        Map<String, String> services();

        /** Version of the discovery document format. */
        @WithDefault("1")
        String version();
    }
}
