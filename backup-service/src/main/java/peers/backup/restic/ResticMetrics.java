package peers.backup.restic;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Prometheus counters of the restic endpoint, per repository: {@code peers_backup_restic_blobs_total} and
 * {@code peers_backup_restic_bytes_total} with tags {@code repo} and {@code op} (read, write, delete).
 */
@ApplicationScoped
public class ResticMetrics {

    private final MeterRegistry registry;

    public ResticMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(String repo, String op, long bytes) {
        Counter.builder("peers.backup.restic.blobs").description("restic blobs read, written or deleted").tag("repo", repo).tag("op", op)
                .register(registry).increment();
        if (bytes > 0) {
            Counter.builder("peers.backup.restic.bytes").description("bytes of restic blobs read, written or deleted").baseUnit("bytes")
                    .tag("repo", repo).tag("op", op).register(registry).increment(bytes);
        }
    }
}
