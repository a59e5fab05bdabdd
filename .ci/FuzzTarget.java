import java.lang.reflect.Method;
import java.util.stream.Stream;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Fuzzes one Jazzer {@code @FuzzTest} in this JVM ({@code JAZZER_FUZZ=1} set by {@code FuzzTargets},
 * which starts one of these per target). Arguments: class name, method name, seconds.
 */
public class FuzzTarget {

    public static void main(String[] args) throws Exception {
        System.exit(run(args[0], args[1], Long.parseLong(args[2])));
    }

    /** Runs one fuzz test method through the JUnit Platform; JAZZER_FUZZ is set by the parent. */
    static int run(String className, String methodName, long seconds) throws Exception {
        Class<?> type = Class.forName(className);
        Method method = Stream.of(type.getDeclaredMethods()).filter(m -> m.getName().equals(methodName)).findFirst().orElseThrow();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectMethod(type, method))
                // Jazzer appends these libFuzzer arguments last, so they win over the annotation's maxDuration.
                .configurationParameter("jazzer.internal.arg.0", "fuzz")
                .configurationParameter("jazzer.internal.arg.1", "-max_total_time=" + seconds)
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.printTo(new java.io.PrintWriter(System.out, true));
        summary.printFailuresTo(new java.io.PrintWriter(System.out, true), 50);
        if (summary.getTestsSucceededCount() == 0 && summary.getTotalFailureCount() == 0) {
            System.out.println("no fuzz test ran");
            return 2;
        }
        return summary.getTotalFailureCount() == 0 ? 0 : 1;
    }

}
