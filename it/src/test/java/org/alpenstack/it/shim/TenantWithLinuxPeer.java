package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.alpenstack.it.link.Lab;
import org.alpenstack.shim.AccessPolicy;
import org.alpenstack.shim.InstanceEndpoint;
import org.alpenstack.shim.ShimLibrary;
import org.alpenstack.shim.TenantEndpoint;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;
import org.alpenstack.tenant.config.Cidr;
import org.alpenstack.tenant.config.InstanceSpec;
import org.alpenstack.tenant.config.LinkSpec;

/**
 * One tenant on a TAP link whose Linux end lives in a network namespace of its own, for tests
 * that run unmodified server programs on either side: programs in the tenant go through
 * alpenstack-run (sandboxed), programs in the namespace through {@code ip netns exec}.
 * {@link #close()} kills every program it started (with their children) and removes the
 * namespace and the temporary directory, also when the test failed.
 */
final class TenantWithLinuxPeer implements AutoCloseable {
    final String ns;
    final Path dir;
    final String linuxIp;
    final String tenantIp;
    final Path launcher;
    private final List<Daemon> daemons = new ArrayList<>();
    private Vertx vertx;
    private TenantManager manager;
    private TenantEndpoint endpoint;

    private TenantWithLinuxPeer(String ns, Path dir, String linuxIp, String tenantIp, Path launcher) {
        this.ns = ns;
        this.dir = dir;
        this.linuxIp = linuxIp;
        this.tenantIp = tenantIp;
        this.launcher = launcher;
    }

    /** Skips the calling test class unless it runs as root (namespaces, TAP). */
    static void assumeRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root for network namespaces and TAP devices; skipped");
    }

    /** Fails (does not skip) when a program bin/install-deps installs is missing. */
    static void requireProgram(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new AssertionError(path + " is missing: run bin/install-deps (as root) to install the test programs");
        }
    }

    static TenantWithLinuxPeer start(String tag) throws Exception {
        assumeRoot();
        requireProgram("/usr/sbin/ip");
        int subnet = 1 + new Random().nextInt(250);
        String linuxIp = "10.233." + subnet + ".1";
        String tenantIp = "10.233." + subnet + ".2";
        String ns = Lab.namespace(tag);
        Path dir = null;
        TenantWithLinuxPeer t = null;
        try {
            dir = Files.createTempDirectory("alpenstack-it-" + tag + "-");
            Path launcher = ShimLibrary.extract(dir.resolve("lib")).resolve(ShimLibrary.LAUNCHER);
            t = new TenantWithLinuxPeer(ns, dir, linuxIp, tenantIp, launcher);
            t.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
            t.manager = new TenantManager(t.vertx);
            t.manager.addLink(new LinkSpec(tag + "link", LinkSpec.Type.TAP, "alp" + tag + "%d",
                    Cidr.parse(linuxIp + "/24", 24), ns));
            Tenant tenant = t.manager.createInstance(new InstanceSpec(tag, tag + "link", null, InstanceSpec.Mode.MAC,
                    List.of(Cidr.parse(tenantIp + "/24", 24)), List.of(), 0, List.of(), 0)).await(20, TimeUnit.SECONDS);
            t.endpoint = InstanceEndpoint.start(tenant.instance(), dir.resolve("run"), AccessPolicy.serverUserOnly())
                    .await(20, TimeUnit.SECONDS);
            return t;
        } catch (Exception | Error e) {
            if (t != null) {
                t.close();
            } else {
                Lab.deleteNamespace(ns);
                deleteTree(dir);
            }
            throw e;
        }
    }

    /** The endpoint programs attach to (for a SetEnv in an sshd_config, say). */
    Path endpointPath() {
        return endpoint.socketPath();
    }

    Path preloadLibrary() {
        return launcher.resolveSibling(ShimLibrary.PRELOAD);
    }

    /** A command attached to the tenant, sandboxed (only loopback besides the tenant's stack). */
    List<String> inTenant(String... cmd) {
        List<String> c = new ArrayList<>(List.of(launcher.toString(), "--endpoint", endpoint.socketPath().toString(), "--"));
        c.addAll(List.of(cmd));
        return c;
    }

    /** A command in the Linux peer's namespace. */
    List<String> inLinux(String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return c;
    }

    /** A server program running in the background; output to {@code dir/NAME.out}. */
    final class Daemon implements AutoCloseable {
        final Process process;
        final Path output;

        private Daemon(Process process, Path output) {
            this.process = process;
            this.output = output;
        }

        String output() {
            try {
                return Files.exists(output) ? Files.readString(output) : "";
            } catch (IOException e) {
                return e.toString();
            }
        }

        /** Kills the program and everything it forked, and waits for them. */
        @Override
        public void close() {
            kill(process);
            daemons.remove(this);
        }
    }

    Daemon spawn(String name, List<String> cmd) throws IOException {
        Path out = dir.resolve(name + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Daemon d = new Daemon(p, out);
        daemons.add(d);
        return d;
    }

    record Result(int exit, String out) {
    }

    /** Runs a command to its end, killing it (and its children) after the timeout. */
    static Result run(int timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread pump = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                out[0] = in.readAllBytes();
            } catch (IOException e) {
                out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        pump.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            kill(p);
        }
        pump.join(5000);
        String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
        return done ? new Result(p.exitValue(), text)
                : new Result(-1, text + "\n(timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + ")");
    }

    /** Runs a command until it succeeds (a server may still be starting), for at most {@code seconds}. */
    static Result retry(int seconds, List<String> cmd) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Result r;
        do {
            r = run(seconds, cmd);
            if (r.exit() == 0) {
                return r;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return r;
    }

    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A file of random bytes. */
    static void randomFile(Path file, int mebibytes, long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < mebibytes; i++) {
                rnd.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Override
    public void close() throws Exception {
        for (Daemon d : new ArrayList<>(daemons)) {
            d.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (manager != null) {
            manager.shutdown().await(20, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(20, TimeUnit.SECONDS);
        }
        Lab.deleteNamespace(ns);
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
