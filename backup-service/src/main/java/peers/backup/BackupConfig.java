package peers.backup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the backup service. */
@ConfigMapping(prefix = "peers.backup")
public interface BackupConfig {

    /** The S3 bucket holding every repository's objects (created at start when missing). */
    @WithDefault("peers-backup")
    String bucket();

    /** Largest object of the native API, in bytes (5 TiB is S3's own bound). */
    @WithDefault("68719476736")
    long maxObjectBytes();

    /** Objects larger than this are uploaded in parts (multipart upload with presigned part URLs). */
    @WithDefault("67108864")
    long multipartThreshold();

    /** Size of each part of a multipart upload (S3 wants at least 5 MiB for all but the last). */
    @WithDefault("16777216")
    long partSize();

    /** Default validity of presigned URLs. */
    @WithDefault("15m")
    Duration presignExpiry();

    /** Longest validity a client may ask for. */
    @WithDefault("1h")
    Duration maxPresignExpiry();

    /** Most objects in one snapshot. */
    @WithDefault("50000")
    int maxSnapshotObjects();

    /** Most repositories per owner. */
    @WithDefault("100")
    int maxRepositories();

    /** Most live tokens per repository. */
    @WithDefault("50")
    int maxTokens();

    /** Largest restic blob (restic's packs are 16 MiB by default, at most 128 MiB). */
    @WithDefault("134217728")
    long maxBlobBytes();

    /** Largest restic {@code config} file (restic writes a few hundred bytes). */
    @WithDefault("65536")
    int maxConfigBytes();

    /**
     * Unreferenced objects younger than this are kept by garbage collection: a client may be between
     * uploading objects and recording the snapshot that references them.
     */
    @WithDefault("1h")
    Duration gcGrace();

    /** How often retention policies and garbage collection run for every repository that has a policy. */
    @WithDefault("6h")
    Duration pruneInterval();

    /** How often each owner's stored bytes are reported as a usage event. */
    @WithDefault("15m")
    Duration usageInterval();

    /** Free-plan defaults, used for owners without a valid entitlement. */
    Free free();

    interface Free {
        /** Bytes an owner may store across all their repositories. */
        @WithDefault("1073741824")
        long bytes();
    }
}
