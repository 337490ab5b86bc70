package org.alpenstack.admin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.LogManager;
import org.alpenstack.admin.api.AdminApiOptions;
import org.alpenstack.admin.api.BearerToken;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.tenant.StateStore;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.config.Cidr;
import org.alpenstack.tenant.config.ConfigException;
import org.alpenstack.tenant.config.ConfigParser;
import org.alpenstack.tenant.config.LinkSpec;
import org.alpenstack.tenant.config.TenantConfig;

/**
 * {@code alpenstack serve [--config FILE] [--state-dir DIR] [--admin HOST:PORT] [--token-file FILE] [--netns NAME]}:
 * runs the server until SIGTERM or Ctrl-C, then stops cleanly (instances stop, TAP devices,
 * filters and memberships are removed).
 *
 * <p>Without {@code --config}: as root, the embedded default (a TAP link on a free private /24
 * and one instance with echo, discard, chargen and HTTP); without root, an explanation of what
 * is missing and how to run the in-memory demo instead.
 */
public final class ServeCommand {
    static final String USAGE = """
            usage: alpenstack serve [--config FILE] [--state-dir DIR] [--admin HOST:PORT] [--token-file FILE] [--netns NAME]
              --config FILE      JSON config: links (afpacket|tap) and instances (see README)
              --state-dir DIR    keep the running links and instances in DIR/state.json (rewritten
                                 atomically on every change); without --config, restore them from it
              --admin HOST:PORT  admin REST API endpoint (default 127.0.0.1:8475)
              --token-file FILE  require 'Authorization: Bearer <first line of FILE>' on every
                                 mutating API call (default: $ALPENSTACK_TOKEN if set, else none)
              --netns NAME       create the embedded default's TAP device in network namespace NAME
            """;

    private ServeCommand() {
    }

    /** Runs the server; returns the exit code (0 after a clean stop, 2 for bad arguments or config, 1 otherwise). */
    public static int run(String[] args) {
        return run(args, System.out, System.err, true);
    }

    /**
     * As {@link #run(String[])}; with {@code block} false it returns 0 right after a successful
     * start and leaves the server running (for tests), see {@link #lastStarted}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean block) {
        ServerLogging.installManager();
        String configFile = null;
        String stateDir = null;
        String admin = "127.0.0.1:8475";
        String netns = null;
        String tokenFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(USAGE);
                return 0;
            }
            if (i + 1 >= args.length || !a.startsWith("--")) {
                err.println("alpenstack serve: " + (a.startsWith("--") ? a + " needs a value" : "unexpected argument '" + a + "'"));
                err.print(USAGE);
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--config" -> configFile = v;
                case "--state-dir" -> stateDir = v;
                case "--admin" -> admin = v;
                case "--netns" -> netns = v;
                case "--token-file" -> tokenFile = v;
                default -> {
                    err.println("alpenstack serve: unknown option " + a);
                    err.print(USAGE);
                    return 2;
                }
            }
        }
        int colon = admin.lastIndexOf(':');
        int adminPort;
        try {
            adminPort = Integer.parseInt(admin.substring(colon + 1));
            if (colon <= 0 || adminPort < 0 || adminPort > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("alpenstack serve: --admin: '" + admin + "' is not HOST:PORT");
            return 2;
        }
        String adminHost = admin.substring(0, colon);
        String token;
        try {
            token = BearerToken.resolve(tokenFile == null ? null : Path.of(tokenFile), System.getenv());
        } catch (IOException e) {
            err.println("alpenstack serve: --token-file: " + e.getMessage());
            return 2;
        }
        AdminApiOptions apiOptions = AdminApiOptions.defaults().withHost(adminHost).withPort(adminPort).withBearerToken(token);
        if (stateDir != null) {
            try {
                Files.createDirectories(Path.of(stateDir));
            } catch (IOException e) {
                err.println("alpenstack serve: --state-dir: cannot create " + stateDir + ": " + e.getMessage());
                return 2;
            }
        }

        ServerLogging.configure();
        TenantConfig config = null;
        StateStore state = stateDir == null ? null : new StateStore(Path.of(stateDir));
        if (configFile == null && state != null) {
            try {
                config = state.load().orElse(null);
            } catch (IOException e) {
                err.println("alpenstack serve: --state-dir: cannot read " + state.file() + ": " + e.getMessage());
                return 2;
            } catch (ConfigException e) {
                err.println("alpenstack serve: " + state.file() + " is damaged: " + e.getMessage() + " (move it away to start fresh)");
                return 2;
            }
            if (config != null) {
                out.println("alpenstack: restoring " + config.instances().size() + " instance(s) and " + config.links().size()
                        + " link(s) from " + state.file());
            }
        }
        boolean embedded = configFile == null && config == null;
        if (embedded) {
            if (!isRoot()) {
                err.println("""
                        alpenstack serve: not running as root, so no TAP device or AF_PACKET socket can be opened
                        (they need CAP_NET_ADMIN and CAP_NET_RAW) and the host cannot reach an instance.
                        Falling back to the in-memory network: two instances on an in-memory switch (the demo).
                        Run as root (sudo bin/alpenstack serve) for the embedded default, a TAP device with one
                        instance that ping and curl reach.""");
                try {
                    return Demo.run(new String[0]);
                } catch (Exception e) {
                    err.println("alpenstack serve: the in-memory demo failed: " + e);
                    return 1;
                }
            }
            config = EmbeddedDefault.config(netns);
        } else if (config == null) {
            try {
                config = ConfigParser.parse(Files.readString(Path.of(configFile)));
            } catch (IOException e) {
                err.println("alpenstack serve: --config: cannot read " + configFile + ": " + e.getMessage());
                return 2;
            } catch (ConfigException e) {
                err.println("alpenstack serve: config error in " + configFile + ": " + e.getMessage());
                err.println("alpenstack serve: nothing was started");
                return 2;
            }
        }

        Server server;
        try {
            server = Server.start(config, apiOptions, state);
        } catch (ConfigException e) {
            err.println("alpenstack serve: config error" + (configFile == null ? "" : " in " + configFile) + ": " + e.getMessage());
            err.println("alpenstack serve: nothing was started");
            return 2;
        } catch (RuntimeException e) {
            err.println("alpenstack serve: cannot start: " + e.getMessage());
            err.println("alpenstack serve: nothing was started");
            return 1;
        }
        lastStarted = server;
        printWelcome(out, server, config, embedded, adminHost, token != null);
        if (!block) {
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (!(LogManager.getLogManager() instanceof ServerLogging.ShutdownSafeLogManager)) {
                // Another LogManager was set up first: re-attach our handler after the JDK's reset.
                ServerLogging.configure();
            }
            server.stop();
            stopped.countDown();
        }, "alpenstack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The server the last successful non-blocking {@link #run} started (tests stop it). */
    private static volatile Server lastStarted;

    public static Server lastStarted() {
        return lastStarted;
    }

    private static void printWelcome(PrintStream out, Server server, TenantConfig config, boolean embedded, String adminHost,
                                     boolean token) {
        out.println("alpenstack: admin API at http://" + adminHost + ":" + server.adminPort() + "/api/v1/instances"
                + " (contract at /openapi.yaml" + (token ? "; mutating calls need the bearer token)" : ")"));
        for (Tenant t : server.manager().tenants()) {
            String link = t.spec().link();
            LinkSpec ls = config.links().stream().filter(l -> l.name().equals(link)).findFirst().orElse(null);
            String where = ls == null ? link : ls.type() == LinkSpec.Type.TAP
                    ? "TAP " + server.manager().link(link).device() + " (host side " + ls.hostAddress() + ")"
                    : ls.device();
            out.println("alpenstack: instance " + t.name() + " (" + t.spec().mode().name().toLowerCase() + " mode, "
                    + t.attachment().mac() + ") at " + t.spec().addresses() + " on " + where + ", services " + t.spec().services());
        }
        if (embedded && !server.manager().tenants().isEmpty()) {
            Tenant demo = server.manager().tenants().get(0);
            Cidr a = demo.spec().addresses().get(0);
            String ip = Ipv4Address.toString(a.address());
            out.println("alpenstack: try it from this host:");
            out.println("  ping -c 3 " + ip);
            out.println("  curl http://" + ip + "/bytes/1000");
            out.println("  echo hello | ncat -u " + ip + " 7");
            out.println("alpenstack: stop with Ctrl-C (the TAP device is removed)");
        }
    }

    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
