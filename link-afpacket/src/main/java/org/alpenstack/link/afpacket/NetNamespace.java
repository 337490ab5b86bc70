package org.alpenstack.link.afpacket;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.alpenstack.link.afpacket.sys.LibC;
import org.alpenstack.link.afpacket.sys.NativeException;

/**
 * Runs code inside a named network namespace ({@code ip netns add NAME}, i.e. the bind mount
 * /var/run/netns/NAME). Sockets, TAP devices and device lookups belong to the namespace of the
 * thread that creates them and stay there; so the code runs on a fresh thread that enters the
 * namespace with setns(2) and ends afterwards, and no thread of the caller ever changes
 * namespace. Needs CAP_SYS_ADMIN.
 */
public final class NetNamespace {
    private NetNamespace() {
    }

    /** Calls {@code body} inside namespace {@code name} and returns its result (or rethrows its exception). */
    public static <T> T call(String name, Callable<T> body) {
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("not a network namespace name: '" + name + "'");
        }
        String path = "/var/run/netns/" + name;
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
            try {
                NativeException.check(fd, "open(" + path + ")");
                NativeException.check(LibC.setns(fd, LibC.CLONE_NEWNET), "setns(" + name + ")");
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                if (fd >= 0) {
                    LibC.close(fd);
                }
            }
        }, "netns-" + name);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running in network namespace " + name, e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
        return result.get();
    }

    public static void run(String name, Runnable body) {
        call(name, () -> {
            body.run();
            return null;
        });
    }
}
