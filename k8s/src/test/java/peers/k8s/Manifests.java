package peers.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rendered manifests, each parsed into its fabric8 model class. Parsing is strict: a document whose
 * kind has no model class fails (no GenericKubernetesResource fallback), and so does any field the
 * model does not know, at any depth (fabric8 keeps unknown fields silently in
 * {@code additionalProperties}; this walks every object and requires that map to be empty).
 */
final class Manifests {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    final List<HasMetadata> all;

    private Manifests(List<HasMetadata> all) {
        this.all = all;
    }

    static Manifests parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
            if (document.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
                continue;
            }
            Object parsed;
            try {
                parsed = SERIALIZATION.unmarshal(document);
            } catch (RuntimeException e) {
                throw new AssertionError("a rendered document does not parse into the Kubernetes model: " + e.getMessage() + "\n" + document, e);
            }
            if (!(parsed instanceof HasMetadata resource) || parsed instanceof GenericKubernetesResource) {
                throw new AssertionError("no typed model for this document (unknown apiVersion/kind?):\n" + document);
            }
            List<String> unknown = new ArrayList<>();
            findUnknownFields(resource, resource.getKind(), unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError("unknown fields in " + resource.getKind() + "/" + resource.getMetadata().getName() + ": " + unknown);
            }
            if (!seen.add(resource.getApiVersion() + "/" + resource.getKind() + "/" + resource.getMetadata().getName())) {
                throw new AssertionError("rendered twice: " + resource.getKind() + "/" + resource.getMetadata().getName());
            }
            out.add(resource);
        }
        return new Manifests(List.copyOf(out));
    }

    /** Walks the fields of every fabric8 object, collecting the paths of non-empty additionalProperties. */
    private static void findUnknownFields(Object node, String path, List<String> unknown) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                findUnknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> findUnknownFields(v, path + "[" + k + "]", unknown));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = node.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object value;
                try {
                    field.setAccessible(true);
                    value = field.get(node);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("cannot read " + type.getName() + "." + field.getName(), e);
                }
                if (field.getName().equals("additionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                } else {
                    findUnknownFields(value, path + "." + field.getName(), unknown);
                }
            }
        }
    }

    <T extends KubernetesResource> List<T> ofType(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return ofType(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name
                + "; rendered: " + all.stream().map(r -> r.getKind() + "/" + r.getMetadata().getName()).toList()));
    }

    /** Objects of one service of the chart, found by the app.kubernetes.io/component label. */
    <T extends HasMetadata> List<T> ofComponent(Class<T> type, String component) {
        return ofType(type).stream().filter(r -> component.equals(r.getMetadata().getLabels().get("app.kubernetes.io/component"))).toList();
    }

    List<String> deploymentComponents() {
        return ofType(Deployment.class).stream().map(d -> d.getMetadata().getLabels().get("app.kubernetes.io/component")).sorted().toList();
    }

    List<ConfigMap> configMaps() {
        return ofType(ConfigMap.class);
    }

    List<Secret> secrets() {
        return ofType(Secret.class);
    }

    List<Service> services() {
        return ofType(Service.class);
    }
}
