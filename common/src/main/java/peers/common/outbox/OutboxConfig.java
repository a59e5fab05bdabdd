package peers.common.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Transactional outbox and relay settings. */
@ConfigMapping(prefix = "peers.outbox")
public interface OutboxConfig {

    /** Whether this replica relays outbox rows to Kafka (one replica at a time does, under an advisory lock). */
    @WithDefault("true")
    boolean relayEnabled();

    /** How often the relay looks for new rows (the scheduler's resolution is one second). */
    @WithDefault("1s")
    Duration pollInterval();

    /** Rows published per relay transaction. */
    @WithDefault("200")
    int batchSize();

    /** First wait after a failed publish; doubles on each further failure. */
    @WithDefault("500ms")
    Duration initialBackoff();

    /** Longest wait between attempts while Kafka is unreachable. */
    @WithDefault("30s")
    Duration maxBackoff();

    /** CloudEvents {@code source} of this service's events; defaults to {@code urn:peers:<application name>}. */
    Optional<String> source();
}
