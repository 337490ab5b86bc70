package org.alpenstack.admin;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Quiet, structured logging for the server: Alpenstack's own events at INFO (one line each:
 * links opened, instances started and stopped, the admin address), everything else (Vert.x,
 * Netty) at WARNING. {@code ALPENSTACK_LOG=FINE} (or any java.util.logging level) changes ours.
 */
public final class ServerLogging {
    private ServerLogging() {
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
    }
}
