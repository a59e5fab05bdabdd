package peers.signaling.ws;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import peers.signaling.SignalingConfig;
import java.util.ArrayList;
import java.util.List;
import peers.signaling.compat.PeerJsHub;
import peers.signaling.compat.YTopics;
import peers.signaling.hub.Hub;
import peers.signaling.hub.Session;

/**
 * Closes sockets that never authenticated in time and sockets that stopped talking: a dead peer must
 * not stay a room member forever. Clients keep a socket alive with {@code ping} messages.
 */
@ApplicationScoped
public class IdleSweeper {

    /** Close code for both timeouts (policy violation); the reason is the error code. */
    static final int CLOSE_CODE = 1008;
    /** Every socket gets a WebSocket ping this often, so NATs and proxies keep quiet sockets open. */
    static final long PING_MILLIS = 25_000;

    private long lastPingMillis;

    private final Hub hub;
    private final YTopics yTopics;
    private final PeerJsHub peerJs;
    private final SignalingConfig config;
    private final Clock clock;

    public IdleSweeper(Hub hub, YTopics yTopics, PeerJsHub peerJs, SignalingConfig config, Clock clock) {
        this.peerJs = peerJs;
        this.hub = hub;
        this.yTopics = yTopics;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        long now = clock.millis();
        for (Session s : hub.sessions()) {
            if (!s.authenticated() && now - s.openedMillis() > config.authTimeout().toMillis()) {
                expire(s, ErrorCode.AUTH_TIMEOUT, "no authentication within " + config.authTimeout().toSeconds() + " s");
            } else if (now - s.lastSeenMillis() > config.idleTimeout().toMillis()) {
                expire(s, ErrorCode.IDLE_TIMEOUT, "nothing received for " + config.idleTimeout().toSeconds() + " s; send ping to stay connected");
            }
        }
        // y-webrtc clients send {"type":"ping"} when the socket was quiet for a while; PeerJS clients HEARTBEAT every 5 s.
        List<Session> compat = new ArrayList<>(yTopics.sessions());
        compat.addAll(peerJs.sessions());
        for (Session s : compat) {
            if (now - s.lastSeenMillis() > config.idleTimeout().toMillis()) {
                expire(s, ErrorCode.IDLE_TIMEOUT, "nothing received for " + config.idleTimeout().toSeconds() + " s");
            }
        }
        hub.purgeBuckets(now);
        if (now - lastPingMillis >= PING_MILLIS) {
            lastPingMillis = now;
            hub.sessions().forEach(Session::ping);
            compat.forEach(Session::ping);
        }
    }

    private void expire(Session s, ErrorCode code, String message) {
        s.send(Frames.error(new SignalError(code, message), null));
        s.close(CLOSE_CODE, code.code());
    }
}
