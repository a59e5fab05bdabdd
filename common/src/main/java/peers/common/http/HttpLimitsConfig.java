package peers.common.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Request-size limits shared by every service. */
@ConfigMapping(prefix = "peers.http")
public interface HttpLimitsConfig {

    /** Largest request body accepted on buffered paths, in bytes; larger bodies get a 413 problem. */
    @WithDefault("262144")
    int maxBodyBytes();

    /**
     * Path prefixes whose bodies are streamed by the service itself (e.g. blob uploads) instead of
     * being buffered for signature verification; they enforce their own limits.
     */
    Optional<List<String>> streamingPaths();
}
