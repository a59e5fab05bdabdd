package peers.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of a run: {@code key=value} arguments after the scenario name (a leading {@code --} is allowed),
 * falling back to system properties {@code bench.<key>}, then to the scenario's default. Everything read is
 * remembered, so the report shows the settings a run actually used.
 */
public final class Options {

    private final Map<String, String> given;
    private final Map<String, String> used = new LinkedHashMap<>();

    private Options(Map<String, String> given) {
        this.given = given;
    }

    /** Parses {@code key=value} / {@code --key=value} arguments. */
    public static Options parse(Iterable<String> args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            String a = arg.startsWith("--") ? arg.substring(2) : arg;
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new Bench.UsageException("expected key=value, got '" + arg + "'");
            }
            given.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return new Options(given);
    }

    public String string(String key, String dflt) {
        String v = given.get(key);
        if (v == null) {
            v = System.getProperty("bench." + key);
        }
        if (v == null) {
            v = dflt;
        }
        if (v != null) {
            used.put(key, v);
        }
        return v;
    }

    public int integer(String key, int dflt) {
        String v = string(key, Integer.toString(dflt));
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new Bench.UsageException(key + " must be an integer, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean dflt) {
        return Boolean.parseBoolean(string(key, Boolean.toString(dflt)));
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, or a plain number of seconds. */
    public Duration duration(String key, Duration dflt) {
        String v = string(key, dflt.toMillis() % 1000 == 0 ? dflt.toSeconds() + "s" : dflt.toMillis() + "ms").trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new Bench.UsageException(key + " must be a duration such as 10s or 500ms, got '" + v + "'");
        }
    }

    /** The bench module's directory (set by the exec plugin; the working directory otherwise). */
    public Path benchDir() {
        String dir = System.getProperty("bench.dir");
        if (dir != null) {
            return Path.of(dir).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        return cwd.resolve("bench").toFile().isDirectory() ? cwd.resolve("bench") : cwd;
    }

    /** The project's root directory (parent of the bench module). */
    public Path rootDir() {
        String dir = System.getProperty("bench.root");
        return dir != null ? Path.of(dir).toAbsolutePath().normalize() : benchDir().getParent();
    }

    /** Keys given on the command line that no scenario read: most likely typos. */
    public Map<String, String> unused() {
        Map<String, String> u = new LinkedHashMap<>(given);
        u.keySet().removeAll(used.keySet());
        return u;
    }

    /** Every setting read, with the value used. */
    public Map<String, String> used() {
        return new LinkedHashMap<>(used);
    }
}
