package peers.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the devstack starts, where and on which ports. Every setting can be given, in this order of precedence,
 * as a command-line option {@code --name value} (or {@code --name=value}), as a system property
 * {@code devstack.name} (with Maven: {@code -Ddevstack.name=value}) or as an environment variable
 * {@code PEERS_NAME} (upper case, dashes as underscores: {@code PEERS_PG_PORT}).
 *
 * @param root             the repository root: services are found at {@code <root>/<module>/target/quarkus-app}
 * @param data             where PostgreSQL, Kafka and S3 keep their data (and logs); survives restarts
 * @param host             address the router binds to (services listen on 127.0.0.1)
 * @param httpPort         the router's port; service n listens on this + n (see {@link ServiceCatalog})
 * @param managementPort   base of the services' management ports (health, metrics): service n gets base + n
 * @param pgPort           PostgreSQL, on 127.0.0.1
 * @param kafkaPort        Kafka's client listener, on 127.0.0.1
 * @param kafkaControllerPort Kafka's KRaft controller listener, on 127.0.0.1
 * @param s3               whether to start S3Proxy
 * @param s3Port           S3Proxy, on 127.0.0.1
 * @param turn             whether to start coturn: {@code auto} (when {@code turnserver} is installed), {@code true}, {@code false}
 * @param turnPort         coturn's STUN/TURN port on 127.0.0.1 (relay ports: the next 100)
 * @param s3proxyJar       S3Proxy's jar-with-dependencies, or empty to look in the local Maven repository
 * @param serviceJavaOptions JVM options of every service process
 * @param readyTimeout     how long a service may take to report ready
 */
record Settings(
        Path root,
        Path data,
        String host,
        int httpPort,
        int managementPort,
        int pgPort,
        int kafkaPort,
        int kafkaControllerPort,
        boolean s3,
        int s3Port,
        String turn,
        int turnPort,
        Optional<Path> s3proxyJar,
        List<String> serviceJavaOptions,
        Duration readyTimeout) {

    /** One setting: its name, default and one line of help. */
    record Option(String name, String defaultValue, String help) {

        String systemProperty() {
            return "devstack." + name;
        }

        String environmentVariable() {
            return "PEERS_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    /**
     * Small JVMs for development: C1 only (faster start, no C2 compiler threads), serial GC, bounded heap.
     * A service idles at about 100 MB of heap.
     */
    static final String DEFAULT_SERVICE_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -Xss512k";

    static final List<Option> OPTIONS = List.of(
            new Option("root", ".", "repository root (services are read from <root>/<module>/target/quarkus-app)"),
            new Option("data", "data", "data directory, relative to the root; delete it to start from scratch"),
            new Option("host", "127.0.0.1", "address the router binds to (0.0.0.0: reachable from the network)"),
            new Option("port", "8080", "the router's port (the demo page and every service); service n listens on 127.0.0.1 at port + n"),
            new Option("management-port", "9000", "services' management ports (health, metrics) are this + 1, + 2, ..."),
            new Option("pg-port", "15432", "PostgreSQL port on 127.0.0.1"),
            new Option("kafka-port", "19092", "Kafka client port on 127.0.0.1"),
            new Option("kafka-controller-port", "19093", "Kafka KRaft controller port on 127.0.0.1"),
            new Option("s3", "true", "start S3Proxy (true/false)"),
            new Option("s3-port", "19000", "S3Proxy port on 127.0.0.1"),
            new Option("turn", "auto", "start coturn for signaling's TURN credentials: auto (if turnserver is installed), true, false"),
            new Option("turn-port", "13478", "coturn's STUN/TURN port on 127.0.0.1 (relays on the next 100 ports)"),
            new Option("s3proxy-jar", "", "S3Proxy jar-with-dependencies (default: from the local Maven repository)"),
            new Option("service-java-options", DEFAULT_SERVICE_JAVA_OPTIONS, "JVM options of each service process"),
            new Option("ready-timeout", "120", "seconds a service may take to become ready"));

    private static final Set<String> NAMES = OPTIONS.stream().map(Option::name).collect(Collectors.toUnmodifiableSet());

    /** Thrown for an unknown option or a bad value; the message says which. */
    static final class InvalidSettings extends IllegalArgumentException {
        InvalidSettings(String message) {
            super(message);
        }
    }

    /** {@code --help} was asked for. */
    static boolean helpRequested(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    static Settings parse(String[] args, Properties systemProperties, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        for (Option option : OPTIONS) {
            String value = environment.get(option.environmentVariable());
            value = systemProperties.getProperty(option.systemProperty(), value);
            values.put(option.name(), value != null ? value : option.defaultValue());
        }
        values.putAll(commandLine(args));

        Path root = Path.of(values.get("root")).toAbsolutePath().normalize();
        boolean s3 = bool("s3", values.get("s3"));
        String jar = values.get("s3proxy-jar").strip();
        return new Settings(
                root,
                root.resolve(values.get("data")).toAbsolutePath().normalize(),
                values.get("host").strip(),
                port("port", values),
                port("management-port", values),
                port("pg-port", values),
                port("kafka-port", values),
                port("kafka-controller-port", values),
                s3,
                port("s3-port", values),
                turnMode(values.get("turn")),
                port("turn-port", values),
                jar.isEmpty() ? Optional.empty() : Optional.of(Path.of(jar).toAbsolutePath()),
                List.of(values.get("service-java-options").strip().split("\\s+")).stream().filter(s -> !s.isEmpty()).toList(),
                Duration.ofSeconds(positive("ready-timeout", values.get("ready-timeout"))));
    }

    /** The environment variables that configure the devstack itself (not passed on to services). */
    static Set<String> environmentVariables() {
        return OPTIONS.stream().map(Option::environmentVariable).collect(Collectors.toUnmodifiableSet());
    }

    static String usage() {
        StringBuilder text = new StringBuilder("""
                Runs every Peers service built so far with embedded PostgreSQL, Kafka and S3.
                Options (or -Ddevstack.<name>=..., or environment PEERS_<NAME>):
                """);
        for (Option o : OPTIONS) {
            text.append(String.format("  --%-22s %s [%s]%n", o.name(), o.help(), o.defaultValue()));
        }
        return text.toString();
    }

    private static Map<String, String> commandLine(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new InvalidSettings("unexpected argument '" + arg + "' (options look like --port 8080)");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (name.startsWith("no-") && NAMES.contains(name.substring(3))) {
                name = name.substring(3);
                value = "false";
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            if (!NAMES.contains(name)) {
                throw new InvalidSettings("unknown option --" + name + "; known: "
                        + OPTIONS.stream().map(o -> "--" + o.name()).collect(Collectors.joining(" ")));
            }
            values.put(name, value);
        }
        return values;
    }

    private static int port(String name, Map<String, String> values) {
        int port = positive(name, values.get(name));
        if (port > 65535) {
            throw new InvalidSettings("--" + name + " must be a port number (1-65535), not " + port);
        }
        return port;
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n <= 0) {
                throw new InvalidSettings("--" + name + " must be positive, not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidSettings("--" + name + " must be a number, not '" + value + "'");
        }
    }

    private static String turnMode(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> "auto";
            case "true", "yes", "on", "1" -> "true";
            case "false", "no", "off", "0" -> "false";
            default -> throw new InvalidSettings("--turn must be auto, true or false, not '" + value + "'");
        };
    }

    private static boolean bool(String name, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new InvalidSettings("--" + name + " must be true or false, not '" + value + "'");
        };
    }
}
