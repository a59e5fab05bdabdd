package peers.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent for the devstack's child JVMs ({@code -javaagent:parent-watch.jar=<devstack pid>}): when the
 * devstack's process disappears without stopping its children (kill -9, a crash), the child exits by itself
 * ({@code System.exit}, so a Quarkus service still shuts down gracefully; halted after 20 s at the latest).
 * An ordinary Ctrl-C never needs it: the devstack stops its children itself.
 *
 * <p>Runs in the CHILD JVM, on the class path of a service or of S3Proxy: it must use nothing but the JDK
 * (and no nested classes, since {@link #writeAgentJar(Path)} copies this one class file).
 */
public final class ParentWatch {

    private ParentWatch() {
    }

    /** Agent entry point; {@code args} is the pid to watch. */
    public static void premain(String args) {
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(args.strip()));
        if (parent.isEmpty() || !parent.get().isAlive()) {
            Runtime.getRuntime().halt(3);
        }
        parent.get().onExit().thenRun(ParentWatch::exitOrphan);
    }

    private static void exitOrphan() {
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException ignored) {
                // halt now
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch-halt");
        halt.setDaemon(true);
        halt.start();
        System.err.println("[parent-watch] the devstack process is gone: exiting");
        System.exit(3);
    }

    /** Writes the agent jar (this class and a manifest naming it) to {@code jar}. */
    static Path writeAgentJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), ParentWatch.class.getName());
        String entry = ParentWatch.class.getName().replace('.', '/') + ".class";
        Files.createDirectories(jar.getParent());
        try (InputStream in = ParentWatch.class.getResourceAsStream(ParentWatch.class.getSimpleName() + ".class");
             OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest)) {
            if (in == null) {
                throw new IOException("cannot read " + entry + " from the class path");
            }
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
