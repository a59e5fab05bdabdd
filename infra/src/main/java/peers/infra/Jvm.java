package peers.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/** The JVM that child processes (S3Proxy, devstack's services) run on: the one running this code. */
public final class Jvm {

    private Jvm() {
    }

    /** The {@code java} of the running JVM, so children run on the same JDK. */
    public static String javaBinary() {
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot find the java binary of this JVM"));
    }
}
