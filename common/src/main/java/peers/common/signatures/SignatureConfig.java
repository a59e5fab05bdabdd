package peers.common.signatures;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Request-signature settings shared by every service. */
@ConfigMapping(prefix = "peers.signatures")
public interface SignatureConfig {

    /** How far a signature's {@code created} may be from the server clock, either way; also how long nonces are kept. */
    @WithDefault("300s")
    Duration clockSkew();
}
