package peers.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The devstack's one output: whole lines, each prefixed with who wrote it ({@code [devstack]}, {@code [key-registry]}). */
final class Console {

    private static final PrintStream OUT = System.out;

    private Console() {
    }

    static void say(String line) {
        print("devstack", line);
    }

    static void print(String source, String line) {
        synchronized (OUT) {
            OUT.println("[" + source + "] " + line);
            OUT.flush();
        }
    }

    /** Text printed as is (the banner). */
    static void block(String text) {
        synchronized (OUT) {
            OUT.print(text);
            OUT.flush();
        }
    }

    /** Copies {@code in} line by line with the prefix {@code [source]}, on a daemon thread, until it ends. */
    static Thread forward(String source, InputStream in) {
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    print(source, line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "devstack-output-" + source);
        pump.setDaemon(true);
        pump.start();
        return pump;
    }
}
