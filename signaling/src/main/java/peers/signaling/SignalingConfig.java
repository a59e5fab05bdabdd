package peers.signaling;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the signaling service. Every bound of the WebSocket protocols is here. */
@ConfigMapping(prefix = "peers.signaling")
public interface SignalingConfig {

    /**
     * Whether a socket may skip key authentication and get a random session id instead. Off by default:
     * an anonymous peer cannot be addressed by key, only met in rooms.
     */
    @WithDefault("false")
    boolean anonymousEnabled();

    /** Largest signal payload (its JSON text, UTF-8), in bytes. SDP offers with many candidates fit in a few KiB. */
    @WithDefault("65536")
    int maxPayloadBytes();

    /** Rooms one connection may be in at once. */
    @WithDefault("16")
    int maxRoomsPerConnection();

    /** Distinct peers per room on one replica; also the most members a join lists. A mesh call stops being useful long before. */
    @WithDefault("64")
    int maxMembersPerRoom();

    /** Longest room id (clients send a hash of the room name: 43 characters of base64url for SHA-256). */
    @WithDefault("128")
    int maxRoomIdLength();

    /** Live connections one key may hold on one replica (devices and tabs). */
    @WithDefault("16")
    int maxConnectionsPerKey();

    /** A socket that sends nothing for this long is closed; clients send {@code ping} well within it. */
    @WithDefault("60s")
    Duration idleTimeout();

    /** A socket must authenticate within this time after it opened. */
    @WithDefault("10s")
    Duration authTimeout();

    /** Routing of signals and room events between replicas. */
    Relay relay();

    /** ICE servers handed to RTCPeerConnection. */
    Ice ice();

    /** The PeerJS-compatible endpoint. */
    PeerJs peerjs();

    interface PeerJs {
        /** The PeerJS "key" clients pass (peerjs-server's default is {@code peerjs}). */
        @WithDefault("peerjs")
        String key();
    }

    interface Relay {
        /** Whether replicas relay through Kafka; off means a single replica (a signal to a key not connected here fails at once). */
        @WithDefault("true")
        boolean enabled();

        /** The relay topic, shared by every replica; each replica reads all of it from the end. */
        @WithDefault("peers.signal.relay")
        String topic();

        /** Partitions when the topic is created by the service (order matters only per room and per recipient). */
        @WithDefault("1")
        int partitions();

        /** How long a signal to a key connected nowhere on this replica waits for another replica to confirm delivery. */
        @WithDefault("2s")
        Duration ackTimeout();
    }

    interface Ice {
        /** STUN URLs, e.g. {@code stun:stun.example.org:3478}. */
        Optional<List<String>> stunUrls();

        /** TURN URLs, e.g. {@code turn:turn.example.org:3478?transport=udp}; they get ephemeral credentials. */
        Optional<List<String>> turnUrls();

        /** coturn's {@code static-auth-secret}: credentials are HMAC-SHA1 of the username under it. Required with TURN URLs. */
        Optional<String> turnSecret();

        /** Lifetime of issued TURN credentials. */
        @WithDefault("1h")
        Duration ttl();
    }
}
