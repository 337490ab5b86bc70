package org.alpenstack.admin;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Quiet, structured logging for the server: Alpenstack's own events at INFO (one line each:
 * links opened, instances started and stopped, the admin address), everything else (Vert.x,
 * Netty) at WARNING. {@code ALPENSTACK_LOG=FINE} (or any java.util.logging level) changes ours.
 */
public final class ServerLogging {
    private static volatile boolean configured;

    private ServerLogging() {
    }

    /**
     * Call first thing, before any logger exists: installs {@link ShutdownSafeLogManager}, so
     * that the lines the server logs while stopping on SIGTERM are not lost (the JDK's own
     * shutdown hook resets java.util.logging, concurrently with ours).
     */
    public static void installManager() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
    }

    /** A LogManager whose reset() is ignored once the server has configured logging. */
    public static final class ShutdownSafeLogManager extends LogManager {
        @Override
        public void reset() {
            if (!configured) {
                super.reset();
            }
        }
    }

    public static void configure() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new OneLineFormatter());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel(Level.WARNING);
        Level ours = Level.INFO;
        String env = System.getenv("ALPENSTACK_LOG");
        if (env != null && !env.isBlank()) {
            try {
                ours = Level.parse(env.trim().toUpperCase());
            } catch (IllegalArgumentException ignored) {
                // keep INFO
            }
        }
        Logger.getLogger("alpenstack").setLevel(ours);
        configured = true;
    }
}
