package peers.testing.infra;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Calls into the copy of this package that owns the running infrastructure (see {@link PeersInfra}): Quarkus
 * loads test code once per application class loader, but the servers must belong to one class loader that
 * outlives every application. Only JDK types cross that border.
 */
final class HomeCalls {

    private HomeCalls() {
    }

    /** Invokes the public method {@code name} taking {@code args.length} arguments on {@code target}. */
    static Object call(Object target, String name, Object... args) {
        for (Method method : target.getClass().getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == args.length) {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(cause);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("no public method " + name + "/" + args.length + " on " + target.getClass());
    }

    /** Runs {@code action} with the thread context class loader set to the loader of {@code owner}. */
    static <T> T withContextLoaderOf(Class<?> owner, Supplier<T> action) {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(owner.getClassLoader());
        try {
            return action.get();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    static void withContextLoaderOf(Class<?> owner, Runnable action) {
        withContextLoaderOf(owner, () -> {
            action.run();
            return null;
        });
    }
}
