package peers.signaling.ice;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.common.config.Secret;
import peers.common.limits.RateLimiter;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;
import peers.signaling.SignalingConfig;

/** ICE servers for {@code RTCPeerConnection}: STUN URLs and TURN URLs with ephemeral credentials for the caller. */
@Path("/signal/v1/ice-servers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "ice")
public class IceServersResource {

    static final String PROBLEM = "application/problem+json";

    /** One entry of {@code RTCConfiguration.iceServers}. */
    @Schema(description = "An RTCIceServer: pass the list as RTCConfiguration.iceServers")
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record IceServer(List<String> urls,
            @Schema(description = "TURN only: expiry:peerKey") String username,
            @Schema(description = "TURN only: base64 HMAC-SHA1 of the username") String credential) {
    }

    @Schema(description = "ICE servers, valid for ttl seconds (until expiresAt)")
    public record IceServers(List<IceServer> iceServers,
            @Schema(description = "Seconds the TURN credentials stay valid") long ttl,
            @Schema(description = "Expiry of the TURN credentials, Unix seconds") long expiresAt) {
    }

    private final SignalingConfig.Ice config;
    private final Optional<TurnCredentials> turn;
    private final Caller caller;
    private final RateLimiter limiter;
    private final Clock clock;

    public IceServersResource(SignalingConfig config, Caller caller, RateLimiter limiter, Clock clock) {
        this.config = config.ice();
        this.turn = config.ice().turnSecret().filter(s -> !s.isBlank()).map(s -> new TurnCredentials(Secret.of(s)));
        this.caller = caller;
        this.limiter = limiter;
        this.clock = clock;
    }

    @GET
    @Signed
    @Operation(summary = "ICE servers with TURN credentials for the signing peer",
            description = "Configured STUN URLs, and TURN URLs with credentials in coturn's use-auth-secret scheme: "
                    + "username \"<expiry>:<peer key>\", credential base64(HMAC-SHA1(secret, username)). Ask again before expiresAt.")
    @APIResponse(responseCode = "200", description = "The ICE servers", content = @Content(schema = @Schema(implementation = IceServers.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or replayed RFC 9421 signature (problem+json)",
            content = @Content(mediaType = PROBLEM))
    @APIResponse(responseCode = "429", description = "Rate limit signal.ice hit; see Retry-After", content = @Content(mediaType = PROBLEM))
    public IceServers get(HttpServerRequest http) {
        String peer = caller.key().toString();
        limiter.check("signal.ice", peer);
        long ttl = config.ttl().toSeconds();
        long expiresAt = clock.instant().getEpochSecond() + ttl;
        List<IceServer> servers = new ArrayList<>();
        config.stunUrls().filter(u -> !u.isEmpty()).ifPresent(u -> servers.add(new IceServer(u, null, null)));
        if (turn.isPresent()) {
            config.turnUrls().filter(u -> !u.isEmpty()).ifPresent(u -> {
                TurnCredentials.Credential c = turn.get().issue(peer, expiresAt);
                servers.add(new IceServer(u, c.username(), c.credential()));
            });
        }
        return new IceServers(servers, ttl, expiresAt);
    }
}
