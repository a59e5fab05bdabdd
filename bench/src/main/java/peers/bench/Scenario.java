package peers.bench;

/**
 * One service's benchmark: starts what it needs, measures the service and a raw PostgreSQL baseline of
 * equivalent work side by side, stops what it started, and returns the comparisons.
 *
 * <p>Implementations have a public no-argument constructor and are listed, one class name per line, in
 * {@code bench/src/main/resources/META-INF/services/peers.bench.Scenario}.
 */
public interface Scenario {

    /** The name given on the command line, e.g. {@code registry}. */
    String name();

    /** One line for the usage text. */
    String description();

    /** The settings this scenario reads, with their defaults, for the usage text. */
    String options();

    /** Runs the scenario; everything it started is stopped before it returns (or by shutdown hooks). */
    Report run(Options options) throws Exception;
}
