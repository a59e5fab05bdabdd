package peers.backup.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the S3-compatible store is (env PEERS_S3_ENDPOINT, PEERS_S3_REGION, PEERS_S3_PATH_STYLE, PEERS_S3_ACCESS_KEY, PEERS_S3_SECRET_KEY). */
@ConfigMapping(prefix = "peers.s3")
public interface S3Config {

    /** Base URL, e.g. {@code http://minio:9000}. */
    String endpoint();

    /**
     * The base URL clients reach S3 at, when it differs from {@link #endpoint()} (e.g. an in-cluster service
     * name): presigned URLs are signed for this host. Default: the endpoint.
     */
    java.util.Optional<String> publicEndpoint();

    /** Access key id. */
    String accessKey();

    /** Secret access key (never logged). */
    String secretKey();

    /** Signing region. */
    @WithDefault("us-east-1")
    String region();

    /** Path-style addressing ({@code endpoint/bucket/key}), as MinIO and S3Proxy want; false: virtual-host style. */
    @WithDefault("true")
    boolean pathStyle();
}
