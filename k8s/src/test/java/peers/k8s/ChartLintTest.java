package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm lint --strict} with the default values and with each file under ci/. */
class ChartLintTest {

    @Test
    void lintsStrictWithDefaultValues() {
        assertClean(Chart.lint(null), "default values");
    }

    static List<Path> ciValues() {
        return Chart.ciValuesFiles();
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void lintsStrictWithEachCiValuesFile(Path valuesFile) {
        assertClean(Chart.lint(valuesFile), valuesFile.getFileName().toString());
    }

    @Test
    void lintFailsOnValuesTheSchemaRejects() {
        // The lint above would be worthless if it could not fail: an unknown key must make it fail.
        LintResult result = Chart.lint(Chart.values("ingress:\n  enabeld: true\n"));
        assertTrue(result.isFailed(), "lint should fail on an unknown key: " + result.getMessages());
    }

    private static void assertClean(LintResult result, String what) {
        assertFalse(result.isFailed(), what + ": " + result.getMessages());
        // --strict turns warnings into failures; INFO (e.g. "icon is recommended") is allowed.
        assertTrue(result.getMessages().stream().noneMatch(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]")),
                what + ": " + result.getMessages());
    }
}
