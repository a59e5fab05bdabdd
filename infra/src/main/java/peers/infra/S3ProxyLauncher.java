package peers.infra;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of the S3Proxy child process started by {@link S3Server}. Runs in the CHILD JVM, whose class
 * path is only this class and S3Proxy's {@code jar-with-dependencies}: it must use nothing but the JDK.
 *
 * <p>Arguments: the parent's pid, then S3Proxy's own arguments. It halts the child as soon as the parent
 * process is gone, so S3Proxy never outlives a JVM (a test JVM, the devstack) that was killed without running
 * its shutdown hooks ({@code kill -9}, a surefire fork timeout); ordinary exits stop it from the parent.
 */
public final class S3ProxyLauncher {

    private S3ProxyLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        long parentPid = Long.parseLong(args[0]);
        ProcessHandle.of(parentPid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)),
                () -> Runtime.getRuntime().halt(3));
        Method main = Class.forName("org.gaul.s3proxy.Main").getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
