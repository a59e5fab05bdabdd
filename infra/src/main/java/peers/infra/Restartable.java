package peers.infra;

/**
 * A server that can be stopped and started again on the same ports with the same data (for a fault test, or a
 * clean shutdown): {@link KafkaServer}, {@link PostgresServer}, {@link S3Server}.
 */
public interface Restartable {

    /** Starts the server and returns once it serves clients; does nothing when it already runs. */
    void start();

    /** Stops the server; its data and ports are kept for {@link #start()}. Does nothing when it is stopped. */
    void stop();

    boolean isRunning();
}
