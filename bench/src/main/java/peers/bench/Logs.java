package peers.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the embedded infrastructure's logs (Kafka broker, zonky's PostgreSQL, Kafka clients) at WARN so the
 * report stays readable. Logging here goes through SLF4J to JBoss LogManager, which may or may not be the
 * JVM's java.util.logging manager (under exec:java it is not), so both are set.
 */
final class Logs {

    private static final List<Object> KEEP = new ArrayList<>();
    private static final List<String> NOISY = List.of("kafka", "state.change.logger", "org.apache.kafka", "io.zonky", "org.apache.zookeeper",
            "org.flywaydb");

    private Logs() {
    }

    static void quiet(boolean verbose) {
        if (verbose) {
            return;
        }
        for (String name : NOISY) {
            java.util.logging.Logger jul = java.util.logging.Logger.getLogger(name);
            jul.setLevel(java.util.logging.Level.WARNING);
            KEEP.add(jul);
            try {
                org.jboss.logmanager.Logger jboss = org.jboss.logmanager.LogContext.getLogContext().getLogger(name);
                jboss.setLevel(java.util.logging.Level.WARNING);
                KEEP.add(jboss);
            } catch (LinkageError | RuntimeException ignored) {
                // JBoss LogManager absent: SLF4J logs elsewhere
            }
        }
    }
}
