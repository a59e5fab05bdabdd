package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rendered manifest parses into the Kubernetes model with no field the model does not know. */
class ManifestModelTest {

    static List<Path> ciValues() {
        return Chart.ciValuesFiles();
    }

    @Test
    void defaultValuesRenderOnlyKnownFields() {
        Manifests manifests = Chart.render();
        assertFalse(manifests.all.isEmpty());
        manifests.all.forEach(ManifestModelTest::assertNamespaced);
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void eachCiValuesFileRendersOnlyKnownFields(Path valuesFile) {
        Manifests manifests = Chart.render(valuesFile);
        assertFalse(manifests.all.isEmpty());
        manifests.all.forEach(ManifestModelTest::assertNamespaced);
    }

    @Test
    void everyServiceAndEverySwitchRendersOnlyKnownFields() {
        Manifests manifests = Chart.renderWithTestHooks(Chart.testResource("all-services-values.yaml"), Chart.testResource("all-switches-values.yaml"));
        List<String> kinds = manifests.all.stream().map(HasMetadata::getKind).distinct().sorted().toList();
        // No Secret: every credential there comes from an existing Secret.
        assertEquals(List.of("ConfigMap", "Deployment", "HTTPRoute", "HorizontalPodAutoscaler", "Ingress", "NetworkPolicy",
                "Pod", "PodDisruptionBudget", "Service", "ServiceAccount", "ServiceMonitor"), kinds);
    }

    @Test
    void theStrictParserRejectsAnUnknownField() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: x
                spec:
                  ports:
                    - port: 80
                      targetPortt: http
                """;
        AssertionError error = assertThrows(AssertionError.class, () -> Manifests.parse(yaml));
        assertTrue(error.getMessage().contains("spec.ports[0].targetPortt"), error.getMessage());
    }

    @Test
    void theStrictParserRejectsAnUnknownKind() {
        String yaml = """
                apiVersion: example.com/v1
                kind: Gadget
                metadata:
                  name: x
                """;
        assertThrows(AssertionError.class, () -> Manifests.parse(yaml));
    }

    private static void assertNamespaced(HasMetadata resource) {
        assertEquals(Chart.NAMESPACE, resource.getMetadata().getNamespace(), resource.getKind() + "/" + resource.getMetadata().getName());
        assertEquals("peers-services", resource.getMetadata().getLabels().get("app.kubernetes.io/part-of"));
    }
}
