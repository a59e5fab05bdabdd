package peers.sync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the sync-buffer service. */
@ConfigMapping(prefix = "peers.sync")
public interface SyncConfig {

    /** Largest ciphertext of one record, in bytes (decoded). */
    @WithDefault("65536")
    int maxRecordBytes();

    /** Most records in one append batch. */
    @WithDefault("256")
    int maxBatchRecords();

    /** Most ciphertext bytes (decoded) in one append batch. */
    @WithDefault("1048576")
    int maxBatchBytes();

    /** Largest page of a read. */
    @WithDefault("500")
    int maxPageSize();

    /** Most members of one stream. */
    @WithDefault("1000")
    int maxMembers();

    /** Largest wrapped stream key envelope, in bytes (decoded). */
    @WithDefault("4096")
    int maxWrappedKeyBytes();

    /** Free-plan defaults, used for owners without a valid entitlement. */
    Free free();

    /** Longest retention any plan may set; partitions are created this far ahead. */
    @WithDefault("60")
    int maxRetentionDays();

    /** How often partitions are created ahead and expired ones dropped. */
    @WithDefault("1h")
    Duration maintenanceInterval();

    /**
     * Largest difference between this replica's clock and the database's at which expired partitions
     * are still dropped: a replica with a wrong clock must not delete live data.
     */
    @WithDefault("1h")
    Duration maxClockDrift();

    /** How often each owner's stored bytes are reported as a usage event. */
    @WithDefault("1h")
    Duration usageInterval();

    interface Free {
        /** Days a record is kept. */
        @WithDefault("14")
        int retentionDays();

        /** Ciphertext bytes an owner may store across all their streams. */
        @WithDefault("268435456")
        long bytes();

        /** Records an owner may store across all their streams. */
        @WithDefault("1000000")
        long records();
    }
}
