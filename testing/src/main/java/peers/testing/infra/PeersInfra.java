package peers.testing.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import peers.infra.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The real infrastructure of a test JVM: PostgreSQL, Kafka and S3, started once, on first demand, and kept
 * until the JVM exits (a shutdown hook stops them and deletes their data).
 *
 * <p>Parts are started in parallel; {@code get()} starts all three, {@code get(EnumSet.of(...))} only those
 * named (later calls may add the others). {@code get(...)} also restarts a requested part that a fault test
 * stopped and left stopped.
 *
 * <p>It deliberately outlives Quarkus applications: a test may stop and start its application and find its
 * data again. Quarkus loads test code, this class included, once per application class loader; so the
 * servers are owned by the copy of this class in the JVM's system class loader, which outlives every
 * application, and copies in other class loaders hand out views that delegate to it (only JDK types cross
 * over; Kafka runs with the system class loader as its context class loader). If this class is not on the
 * system class path (an unusual test runner), each class loader gets its own infrastructure and a warning is
 * logged.
 *
 * <p>Settings for a Quarkus application come from {@link #quarkusConfig()}; register
 * {@link PeersInfraResource} once per test class:
 * {@code @WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)}.
 *
 * <p>System property {@code peers.infra.verbose=true} keeps the INFO logging of the embedded Kafka broker and
 * of zonky, which is otherwise turned down to WARN.
 */
public final class PeersInfra {

    private static final Logger LOG = LoggerFactory.getLogger(PeersInfra.class);

    /** The independent pieces of infrastructure. */
    public enum Part { POSTGRES, KAFKA, S3 }

    private static PeersInfra instance;
    private static boolean warnedNoSystemCopy;

    /** The owning instance (same class, system class loader) when this one is a view of it. */
    private final Object home;
    private final Path baseDirectory;
    private final Map<Part, Duration> startupTimes = Collections.synchronizedMap(new EnumMap<>(Part.class));
    private volatile TestPostgres postgres;
    private volatile TestKafka kafka;
    private volatile TestS3 s3;

    private PeersInfra(Path baseDirectory) {
        this.home = null;
        this.baseDirectory = baseDirectory;
    }

    /** A view of {@code home}, the owning instance in another class loader. */
    private PeersInfra(Object home) {
        this.home = home;
        this.baseDirectory = null;
        for (Part part : partsOf(home)) {
            switch (part) {
                case POSTGRES -> postgres = new TestPostgres(HomeCalls.call(home, "postgres"));
                case KAFKA -> kafka = new TestKafka(HomeCalls.call(home, "kafka"));
                case S3 -> s3 = new TestS3(HomeCalls.call(home, "s3"));
            }
        }
    }

    /** All three parts, started if needed. */
    public static PeersInfra get() {
        return get(EnumSet.allOf(Part.class));
    }

    /** The JVM-wide instance with at least {@code parts} running (started in parallel if needed). */
    public static PeersInfra get(Set<Part> parts) {
        Class<?> owner = owningClass();
        if (owner == PeersInfra.class) {
            return getOwned(parts);
        }
        Set<String> names = new HashSet<>();
        parts.forEach(part -> names.add(part.name()));
        try {
            Object home = owner.getMethod("getForOtherClassLoader", Set.class).invoke(null, names);
            return viewOf(home);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach PeersInfra in the system class loader", e);
        }
    }

    /**
     * Internal: what copies of this class in other class loaders call, by reflection, on the owning copy.
     * Returns the owning {@code PeersInfra} with at least the named parts running.
     */
    public static Object getForOtherClassLoader(Set<String> partNames) {
        EnumSet<Part> parts = EnumSet.noneOf(Part.class);
        partNames.forEach(name -> parts.add(Part.valueOf(name)));
        return HomeCalls.withContextLoaderOf(PeersInfra.class, () -> getOwned(parts));
    }

    private static synchronized PeersInfra viewOf(Object home) {
        PeersInfra view = instance;
        if (view == null || view.home != home || !view.parts().equals(partsOf(home))) {
            view = new PeersInfra(home);
            instance = view;
        }
        return view;
    }

    private static Set<Part> partsOf(Object home) {
        EnumSet<Part> parts = EnumSet.noneOf(Part.class);
        for (Object part : (Set<?>) HomeCalls.call(home, "parts")) {
            parts.add(Part.valueOf(((Enum<?>) part).name()));
        }
        return parts;
    }

    /** This class as loaded by the system class loader, or this very class when that cannot load it. */
    private static Class<?> owningClass() {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (PeersInfra.class.getClassLoader() == system) {
            return PeersInfra.class;
        }
        try {
            return Class.forName(PeersInfra.class.getName(), true, system);
        } catch (ClassNotFoundException | LinkageError e) {
            synchronized (PeersInfra.class) {
                if (!warnedNoSystemCopy) {
                    warnedNoSystemCopy = true;
                    LOG.warn("PeersInfra is not on the system class path ({}); infrastructure is started per class "
                            + "loader {} and will not survive a Quarkus application restart", e, PeersInfra.class.getClassLoader());
                }
            }
            return PeersInfra.class;
        }
    }

    private static synchronized PeersInfra getOwned(Set<Part> parts) {
        if (instance == null) {
            Path base;
            try {
                base = Files.createTempDirectory("peers-infra-" + ProcessHandle.current().pid() + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            PeersInfra created = new PeersInfra(base);
            Thread hook = new Thread(created::shutdown, "peers-infra-shutdown");
            hook.setContextClassLoader(PeersInfra.class.getClassLoader());
            Runtime.getRuntime().addShutdownHook(hook);
            instance = created;
        }
        quietInfraLogging();
        instance.ensureRunning(parts.isEmpty() ? EnumSet.noneOf(Part.class) : EnumSet.copyOf(parts));
        return instance;
    }

    /** PostgreSQL, if this instance was asked for it. */
    public TestPostgres postgres() {
        return require(postgres, Part.POSTGRES);
    }

    /** Kafka, if this instance was asked for it. */
    public TestKafka kafka() {
        return require(kafka, Part.KAFKA);
    }

    /** S3, if this instance was asked for it. */
    public TestS3 s3() {
        return require(s3, Part.S3);
    }

    /** The parts that were started (some may be stopped for the moment by a fault test). */
    public Set<Part> parts() {
        EnumSet<Part> parts = EnumSet.noneOf(Part.class);
        if (postgres != null) {
            parts.add(Part.POSTGRES);
        }
        if (kafka != null) {
            parts.add(Part.KAFKA);
        }
        if (s3 != null) {
            parts.add(Part.S3);
        }
        return parts;
    }

    /** How long the first start of each part took. */
    public Map<Part, Duration> startupTimes() {
        if (home != null) {
            Map<Part, Duration> times = new EnumMap<>(Part.class);
            ((Map<?, ?>) HomeCalls.call(home, "startupTimes")).forEach((part, took) ->
                    times.put(Part.valueOf(((Enum<?>) part).name()), (Duration) took));
            return Collections.unmodifiableMap(times);
        }
        synchronized (startupTimes) {
            return Collections.unmodifiableMap(new EnumMap<>(startupTimes));
        }
    }

    /**
     * Configuration for a Quarkus application using the started parts: Dev Services off; one datasource
     * (JDBC and reactive URLs to database {@code postgres}, where every service uses its own schema);
     * {@code kafka.bootstrap.servers}; {@code peers.s3.endpoint}, {@code .access-key}, {@code .secret-key},
     * {@code .region}. Keys of parts not started are absent.
     */
    @SuppressWarnings("unchecked")
    public Map<String, String> quarkusConfig() {
        if (home != null) {
            return new LinkedHashMap<>((Map<String, String>) HomeCalls.call(home, "quarkusConfig"));
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.devservices.enabled", "false");
        TestPostgres pg = postgres;
        if (pg != null) {
            config.put("quarkus.datasource.db-kind", "postgresql");
            config.put("quarkus.datasource.username", pg.user());
            config.put("quarkus.datasource.password", pg.password());
            config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE));
            config.put("quarkus.datasource.reactive.url", pg.reactiveUrl(TestPostgres.DEFAULT_DATABASE));
        }
        TestKafka k = kafka;
        if (k != null) {
            config.put("kafka.bootstrap.servers", k.bootstrapServers());
        }
        TestS3 s = s3;
        if (s != null) {
            config.put("peers.s3.endpoint", s.endpoint());
            config.put("peers.s3.access-key", s.accessKey());
            config.put("peers.s3.secret-key", s.secretKey());
            config.put("peers.s3.region", s.region());
        }
        return config;
    }

    @Override
    public String toString() {
        return "PeersInfra[" + postgres + ", " + kafka + ", " + s3 + "]";
    }

    private void ensureRunning(Set<Part> wanted) {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (Part part : wanted) {
            starts.add(CompletableFuture.runAsync(() -> startPart(part), runnable -> {
                Thread t = new Thread(runnable, "peers-infra-start-" + part.name().toLowerCase(Locale.ROOT));
                t.setDaemon(true);
                t.setContextClassLoader(PeersInfra.class.getClassLoader());
                t.start();
            }));
        }
        RuntimeException failure = null;
        for (CompletableFuture<Void> start : starts) {
            try {
                start.join();
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void startPart(Part part) {
        switch (part) {
            case POSTGRES -> {
                if (postgres == null) {
                    postgres = timed(part, () -> {
                        TestPostgres pg = new TestPostgres(baseDirectory.resolve("postgres"));
                        pg.start();
                        return pg;
                    }, pg -> pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE));
                } else {
                    postgres.start();
                }
            }
            case KAFKA -> {
                if (kafka == null) {
                    kafka = timed(part, () -> {
                        TestKafka k = new TestKafka(baseDirectory.resolve("kafka"));
                        k.start();
                        return k;
                    }, TestKafka::bootstrapServers);
                } else {
                    kafka.start();
                }
            }
            case S3 -> {
                if (s3 == null) {
                    s3 = timed(part, () -> {
                        TestS3 s = new TestS3(baseDirectory.resolve("s3"));
                        s.start();
                        return s;
                    }, TestS3::endpoint);
                } else {
                    s3.start();
                }
            }
        }
    }

    private <T> T timed(Part part, Supplier<T> start, Function<T, String> where) {
        long t0 = System.nanoTime();
        T started = start.get();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        startupTimes.put(part, took);
        LOG.info("PeersInfra: {} started in {} ms at {}", part, took.toMillis(), where.apply(started));
        return started;
    }

    private void shutdown() {
        long t0 = System.nanoTime();
        List<Thread> stoppers = new ArrayList<>();
        for (AutoCloseable part : new AutoCloseable[] {kafka, postgres, s3}) {
            if (part == null) {
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    part.close();
                } catch (Exception e) {
                    LOG.warn("PeersInfra: stopping {} failed", part, e);
                }
            }, "peers-infra-stop");
            t.setContextClassLoader(PeersInfra.class.getClassLoader());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        FileTrees.deleteQuietly(baseDirectory);
        LOG.info("PeersInfra: stopped in {} ms", Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    private static <T> T require(T part, Part name) {
        if (part == null) {
            throw new IllegalStateException(name + " was not started: use PeersInfra.get(EnumSet.of(..., " + name + "))");
        }
        return part;
    }

    // Strong references: java.util.logging keeps loggers only weakly, and a collected logger forgets its level.
    private static final List<java.util.logging.Logger> QUIETED = new ArrayList<>();

    /**
     * The in-JVM broker logs hundreds of INFO lines per start (three dumps of every broker setting), and
     * zonky relays initdb's chatter at INFO; keep WARN and above unless {@code -Dpeers.infra.verbose=true}.
     * Kafka's client loggers are left alone, except that broker setting dumps ("KafkaConfig values: ...") are
     * filtered out of the logger that clients share with the broker.
     */
    private static void quietInfraLogging() {
        synchronized (QUIETED) { // not PeersInfra.class: get() holds that lock while the parts start
            if (Boolean.getBoolean("peers.infra.verbose") || !QUIETED.isEmpty()) {
                return;
            }
            for (String name : List.of("kafka", "state.change.logger", "org.apache.kafka.server",
                    "org.apache.kafka.controller", "org.apache.kafka.raft", "org.apache.kafka.metadata",
                    "org.apache.kafka.image", "org.apache.kafka.storage", "org.apache.kafka.coordinator",
                    "org.apache.kafka.snapshot", "org.apache.kafka.queue", "org.apache.kafka.network",
                    "org.apache.kafka.security", "io.zonky.test.db.postgres")) {
                java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
                logger.setLevel(java.util.logging.Level.WARNING);
                QUIETED.add(logger);
            }
            java.util.logging.Logger configLogger =
                    java.util.logging.Logger.getLogger("org.apache.kafka.common.config.AbstractConfig");
            java.util.logging.Filter previous = configLogger.getFilter();
            configLogger.setFilter(record -> {
                String message = record.getMessage();
                if (message != null && message.startsWith("KafkaConfig values")) {
                    return false;
                }
                return previous == null || previous.isLoggable(record);
            });
            QUIETED.add(configLogger);
        }
    }
}
