package org.alpenstack.it.shim;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
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
 * One tenant on a TAP link whose other end is a Linux host in a network namespace of its own
 * (created here, deleted by {@link #close()} or by {@link Lab}'s shutdown hook), with the tenant's
 * shim endpoint: programs run in the tenant through alpenstack-run (sandboxed), Linux programs
 * with {@code ip netns exec}. Daemons started with {@link #spawn} are killed, with their
 * descendants, on close.
 */
final class TenantPeerLab implements AutoCloseable {
    final String ns;
    final String linuxIp;
    final String tenantIp;
    final Path dir;
    private final List<Process> daemons = new ArrayList<>();
    private Vertx vertx;
    private TenantManager manager;
    private TenantEndpoint endpoint;
    private Path launcher;

    /**
     * Skips the calling test with a message unless it runs as root; as root, a missing program
     * is a failure (bin/install-deps installs them all, and a skip would hide the gap).
     */
    static void assume(String... programs) {
        Lab.assumeRoot();
        for (String p : programs) {
            if (!Sh.onPath(p) && !Files.isExecutable(Path.of("/usr/sbin", p))) {
                throw new AssertionError(p + " is not installed: run bin/install-deps (as root)");
            }
        }
    }

    private TenantPeerLab(String tag) throws IOException {
        Random rnd = new Random();
        int subnet = rnd.nextInt(250) + 1;
        // 10.233.x.0/24 exists only inside the test's namespace and the tenant.
        linuxIp = "10.233." + subnet + ".1";
        tenantIp = "10.233." + subnet + ".2";
        ns = Lab.namespace(tag);
        dir = Files.createTempDirectory("alpenstack-it-" + tag + "-");
    }

    static TenantPeerLab start(String tag) throws Exception {
        return start(tag, false);
    }

    /** With {@code linuxIsGateway}, the tenant's default route points at the Linux host. */
    static TenantPeerLab start(String tag, boolean linuxIsGateway) throws Exception {
        TenantPeerLab t = new TenantPeerLab(tag);
        try {
            t.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
            t.manager = new TenantManager(t.vertx);
            t.manager.addLink(new LinkSpec(tag + "link", LinkSpec.Type.TAP, "alps%d",
                    Cidr.parse(t.linuxIp + "/24", 24), t.ns));
            Tenant tenant = t.manager.createInstance(new InstanceSpec(tag, tag + "link", null, InstanceSpec.Mode.MAC,
                    List.of(Cidr.parse(t.tenantIp + "/24", 24)), List.of(),
                    linuxIsGateway ? org.alpenstack.kernel.wire.Ipv4Address.parse(t.linuxIp) : 0, List.of(), 0))
                    .await(20, TimeUnit.SECONDS);
            t.endpoint = InstanceEndpoint.start(tenant.instance(), t.dir.resolve("run"), AccessPolicy.serverUserOnly())
                    .await(20, TimeUnit.SECONDS);
            t.launcher = ShimLibrary.extract(t.dir.resolve("lib")).resolve(ShimLibrary.LAUNCHER);
            return t;
        } catch (Exception | Error e) {
            t.close();
            throw e;
        }
    }

    /** A program attached to the tenant through the launcher, in its own sandbox namespace. */
    List<String> inTenant(String... cmd) {
        List<String> c = new ArrayList<>(List.of(launcher.toString(), "--endpoint", endpoint.socketPath().toString(), "--"));
        c.addAll(List.of(cmd));
        return c;
    }

    /** A program on the Linux host at {@link #linuxIp}. */
    List<String> inLinux(String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return c;
    }

    /** Starts a daemon, output to {@code dir/<log>}; killed (with its children) on close. */
    Process spawn(String log, List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
        synchronized (daemons) {
            daemons.add(p);
        }
        return p;
    }

    /** What a daemon started with {@link #spawn} has printed so far. */
    String log(String log) {
        try {
            return Files.readString(dir.resolve(log));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static Sh.Result run(int timeoutSeconds, List<String> cmd) {
        return Sh.run(timeoutSeconds, cmd.toArray(new String[0]));
    }

    /** Kills a daemon and everything it forked (daemons such as vsftpd fork per session). */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        synchronized (daemons) {
            daemons.forEach(TenantPeerLab::kill);
            daemons.clear();
        }
        try {
            if (endpoint != null) {
                endpoint.close();
            }
            if (manager != null) {
                manager.shutdown().await(20, TimeUnit.SECONDS);
            }
            if (vertx != null) {
                vertx.close().await(20, TimeUnit.SECONDS);
            }
        } finally {
            Lab.deleteNamespace(ns);
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
