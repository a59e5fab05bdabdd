package peers.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The chart under test, driven through real Helm (helm-java bundles it as a native library): lint,
 * template and a client-only dry-run install, all offline. Every render goes through values files,
 * exactly as an operator's {@code -f} would.
 */
final class Chart {

    static final String RELEASE = "peers";
    static final String NAMESPACE = "peers";
    /** Rendered for a current cluster; the chart's kubeVersion constraint is checked against it. */
    static final String KUBE_VERSION = "1.31.0";

    static final Path DIR = Path.of(System.getProperty("basedir", ".")).resolve("peers-services").toAbsolutePath().normalize();
    static final Path CI_DIR = DIR.resolve("ci");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Chart() {
    }

    /** Name of a service's objects in the test release: {@code <release>-<chart>-<service>}. */
    static String objectName(String service) {
        return RELEASE + "-peers-services-" + service;
    }

    /** The files under ci/, each linted and rendered by the tests. */
    static List<Path> ciValuesFiles() {
        try (Stream<Path> files = Files.list(CI_DIR)) {
            List<Path> list = files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
            if (list.isEmpty()) {
                throw new IllegalStateException("no values files under " + CI_DIR);
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A values file with the given YAML, for one render. */
    static Path values(String yaml) {
        try {
            Path file = Files.createTempFile("peers-values-", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path testResource(String name) {
        return Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources").resolve(name).toAbsolutePath();
    }

    /** {@code helm template} of the chart with these values files; throws with Helm's message when the render fails. */
    static String template(Path... valuesFiles) {
        return templateChart(DIR, valuesFiles);
    }

    /** Renders by chart and values content: many tests render the same values, and Helm is the slow part. */
    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

    static String templateChart(Path chartDir, Path... valuesFiles) {
        StringBuilder key = new StringBuilder(chartDir.toString());
        for (Path file : valuesFiles) {
            try {
                key.append("\n---\n").append(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String cached = RENDERED.get(key.toString());
        if (cached != null) {
            return cached;
        }
        String rendered = runTemplate(chartDir, valuesFiles);
        RENDERED.put(key.toString(), rendered);
        return rendered;
    }

    private static String runTemplate(Path chartDir, Path... valuesFiles) {
        TemplateCommand command = new Helm(chartDir).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        return command.call();
    }

    /** Renders and parses strictly (see {@link Manifests}). */
    static Manifests render(Path... valuesFiles) {
        return Manifests.parse(template(valuesFiles));
    }

    /** Renders including the `helm test` hooks, which {@code helm template} through helm-java leaves out. */
    static Manifests renderWithTestHooks(Path... valuesFiles) {
        return Manifests.parse(templateChart(WITH_HOOKS_AS_MANIFESTS.get(), valuesFiles));
    }

    private static final Supplier<Path> WITH_HOOKS_AS_MANIFESTS = memoize(Chart::copyWithHooksAsManifests);

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }

    /** The NOTES.txt an operator sees after {@code helm install} (client-only dry run). */
    static String notes(Path... valuesFiles) {
        InstallCommand command = new Helm(DIR).install().clientOnly().withDryRunOption(DryRun.CLIENT).withName(RELEASE)
                .withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        String output = command.call().getOutput();
        int at = output.indexOf("NOTES:");
        return at < 0 ? "" : output.substring(at + "NOTES:".length());
    }

    /** {@code helm lint --strict}; with a values file, the chart's values.yaml is merged with it first (helm-java's lint takes no -f). */
    static LintResult lint(Path valuesFile) {
        Path dir = DIR;
        if (valuesFile != null) {
            dir = copyChart();
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> base = YAML.readValue(DIR.resolve("values.yaml").toFile(), Map.class);
                @SuppressWarnings("unchecked")
                Map<String, Object> overlay = YAML.readValue(valuesFile.toFile(), Map.class);
                YAML.writeValue(dir.resolve("values.yaml").toFile(), merge(base, overlay == null ? Map.of() : overlay));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Helm(dir).lint().strict().call();
    }

    /** Helm's coalescing of values files: maps merge key by key, everything else is replaced. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        overlay.forEach((key, value) -> {
            if (value instanceof Map<?, ?> m && out.get(key) instanceof Map<?, ?> b) {
                out.put(key, merge((Map<String, Object>) b, (Map<String, Object>) m));
            } else {
                out.put(key, value);
            }
        });
        return out;
    }

    private static Path copyChart() {
        try {
            Path target = Files.createTempDirectory("peers-chart-").resolve("peers-services");
            List<Path> sources;
            try (Stream<Path> walk = Files.walk(DIR)) {
                sources = new ArrayList<>(walk.toList());
            }
            for (Path source : sources) {
                Path dest = target.resolve(DIR.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copyWithHooksAsManifests() {
        Path copy = copyChart();
        try (Stream<Path> tests = Files.list(copy.resolve("templates/tests"))) {
            for (Path file : tests.toList()) {
                String text = Files.readString(file);
                String stripped = String.join("\n", Arrays.stream(text.split("\n", -1))
                        .filter(line -> !line.strip().startsWith("helm.sh/hook")).toList());
                if (stripped.equals(text)) {
                    throw new IllegalStateException(file.getFileName() + " has no helm.sh/hook annotation");
                }
                Files.writeString(file, stripped);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }
}
