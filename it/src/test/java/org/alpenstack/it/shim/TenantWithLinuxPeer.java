package org.alpenstack.it.shim;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.alpenstack.it.link.Lab;
import org.alpenstack.it.link.Sh;
import org.alpenstack.kernel.wire.Ipv4Address;
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
 * A tenant on a TAP link whose Linux end lives in a network namespace of its own (created here,
 * deleted by {@link #close()} or by {@link Lab}'s shutdown hook), with the tenant's shim
 * endpoint, for tests that run unmodified programs on either side: programs in the tenant go
 * through alpenstack-run (sandboxed), programs in the namespace through {@code ip netns exec}.
 * More tenants can join the same link ({@link #addTenant}). {@link #close()} kills every daemon
 * started with {@link #spawn} (with their descendants), stops the tenants and removes the
 * namespace (with the TAP in it) and the temporary directory, also when the test failed.
 */
final class TenantWithLinuxPeer implements AutoCloseable {
    final String ns;
    final Path dir;
    /** The Linux end of the link, 10.233.X.1/24 (a subnet that exists only in the namespace and the tenants). */
    final String linuxIp;
    /** The first tenant's address, 10.233.X.2; {@link #addTenant} hands out .3, .4 ... */
    final String tenantIp;
    final Path launcher;
    private final String tag;
    private final String subnet;
    private final List<Daemon> daemons = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    private Vertx vertx;
    private TenantManager manager;

    private TenantWithLinuxPeer(String tag, String subnet, String ns, Path dir) throws IOException {
        this.tag = tag;
        this.subnet = subnet;
        this.ns = ns;
        this.dir = dir;
        this.linuxIp = subnet + ".1";
        this.tenantIp = subnet + ".2";
        this.launcher = ShimLibrary.extract(dir.resolve("lib")).resolve(ShimLibrary.LAUNCHER);
    }

    /** Skips the calling test class unless it runs as root (namespaces, TAP). */
    static void assumeRoot() {
        Lab.assumeRoot();
    }

    /**
     * Fails (does not skip) when a program bin/install-deps installs is missing: a skip would
     * hide the gap. A name with a slash is a path; a bare name is looked up on PATH and in /usr/sbin.
     */
    static void requireProgram(String... programs) {
        for (String p : programs) {
            boolean there = p.contains("/") ? Files.isExecutable(Path.of(p))
                    : Sh.onPath(p) || Files.isExecutable(Path.of("/usr/sbin", p));
            if (!there) {
                throw new AssertionError(p + " is missing: run bin/install-deps (as root) to install the test programs");
            }
        }
    }

    /** {@link #assumeRoot()}, then {@link #requireProgram} for each program. */
    static void assume(String... programs) {
        assumeRoot();
        requireProgram(programs);
    }

    static TenantWithLinuxPeer start(String tag) throws Exception {
        return start(tag, false);
    }

    /**
     * A tenant named {@code tag} on a TAP link named alpTAGN ({@code tag} at most 10 characters);
     * with {@code linuxIsGateway}, the tenant's default route points at the Linux host.
     */
    static TenantWithLinuxPeer start(String tag, boolean linuxIsGateway) throws Exception {
        assumeRoot(); // and iproute2 on PATH
        String subnet = "10.233." + (1 + new Random().nextInt(250));
        String ns = Lab.namespace(tag);
        Path dir = null;
        TenantWithLinuxPeer t = null;
        try {
            dir = Files.createTempDirectory("alpenstack-it-" + tag + "-");
            t = new TenantWithLinuxPeer(tag, subnet, ns, dir);
            t.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
            t.manager = new TenantManager(t.vertx);
            t.manager.addLink(new LinkSpec(tag + "link", LinkSpec.Type.TAP, "alp" + tag + "%d",
                    Cidr.parse(t.linuxIp + "/24", 24), ns));
            t.join(tag, t.tenantIp, linuxIsGateway);
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

    /** One tenant on the link and the endpoint its programs attach to. */
    final class Member {
        final String ip;
        final TenantEndpoint endpoint;
        final Tenant tenant;

        private Member(String ip, TenantEndpoint endpoint, Tenant tenant) {
            this.ip = ip;
            this.endpoint = endpoint;
            this.tenant = tenant;
        }

        /** A command attached to this tenant, sandboxed (only loopback besides the tenant's stack). */
        List<String> run(String... cmd) {
            List<String> c = new ArrayList<>(List.of(launcher.toString(), "--endpoint", endpoint.socketPath().toString(), "--"));
            c.addAll(List.of(cmd));
            return c;
        }
    }

    private Member join(String name, String ip, boolean linuxIsGateway) throws Exception {
        Tenant tenant = manager.createInstance(new InstanceSpec(name, tag + "link", null, InstanceSpec.Mode.MAC,
                List.of(Cidr.parse(ip + "/24", 24)), List.of(), linuxIsGateway ? Ipv4Address.parse(linuxIp) : 0,
                List.of(), 0)).await(20, TimeUnit.SECONDS);
        TenantEndpoint endpoint = InstanceEndpoint.start(tenant.instance(), dir.resolve("run"), AccessPolicy.serverUserOnly())
                .await(20, TimeUnit.SECONDS);
        Member m = new Member(ip, endpoint, tenant);
        members.add(m);
        return m;
    }

    /** Another tenant on the same link, at the next free address of the subnet; stopped by {@link #close()}. */
    Member addTenant(String name) throws Exception {
        return join(name, subnet + "." + (2 + members.size()), false);
    }

    /** The first tenant's endpoint (for its resolver, say). */
    TenantEndpoint endpoint() {
        return members.get(0).endpoint;
    }

    /** The endpoint programs attach to (for a SetEnv in an sshd_config, say). */
    Path endpointPath() {
        return endpoint().socketPath();
    }

    Path preloadLibrary() {
        return launcher.resolveSibling(ShimLibrary.PRELOAD);
    }

    /** A command attached to the first tenant, sandboxed (only loopback besides the tenant's stack). */
    List<String> inTenant(String... cmd) {
        return members.get(0).run(cmd);
    }

    /** A command in the Linux peer's namespace. */
    List<String> inLinux(String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return c;
    }

    /** A program running in the background, output to {@code dir/NAME.out}; killed on {@link #close()}. */
    final class Daemon implements AutoCloseable {
        final Process process;
        final Path output;

        private Daemon(Process process, Path output) {
            this.process = process;
            this.output = output;
        }

        /** What it has printed so far. */
        String output() {
            return read(output.getFileName().toString());
        }

        /** Kills the program and everything it forked (daemons such as vsftpd fork per session), and waits. */
        @Override
        public void close() {
            kill(process);
            synchronized (daemons) {
                daemons.remove(this);
            }
        }
    }

    Daemon spawn(String name, List<String> cmd) throws IOException {
        Path out = dir.resolve(name + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Daemon d = new Daemon(p, out);
        synchronized (daemons) {
            daemons.add(d);
        }
        return d;
    }

    /** A file in {@link #dir} (a daemon's log, say), or "" while there is none. */
    String read(String file) {
        Path p = dir.resolve(file);
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Runs a command until it exits 0 (a server may still be starting), for at most {@code seconds}. */
    static Sh.Result retry(int seconds, List<String> cmd) throws InterruptedException {
        return retry(seconds, cmd, r -> r.exit() == 0);
    }

    /** Runs a command until {@code done} accepts its result, for at most {@code seconds}; returns the last result. */
    static Sh.Result retry(int seconds, List<String> cmd, Predicate<Sh.Result> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Sh.Result r;
        do {
            r = Sh.run(seconds, cmd);
            if (done.test(r)) {
                return r;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return r;
    }

    /**
     * Like {@link #retry(int, List)}, for a transfer that must end within {@code attemptSeconds}
     * once connected: an attempt still running then is a hang. Before it is killed, what both
     * kernels and the endpoint knew ({@link #snapshot}) goes to stderr under a HUNG banner, to
     * it/target/hung-attempts/ (kept also when the next attempt passes) and into
     * {@link #hangs}, and the command gets one more {@code seconds} to succeed; a second
     * hang is returned (exit -1, its output beginning with "HUNG", the snapshot included).
     */
    Sh.Result retryWatched(int seconds, int attemptSeconds, List<String> cmd) throws Exception {
        int hung = 0;
        while (true) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Sh.Result r;
            do {
                r = runWatched(attemptSeconds, cmd);
                if (r.exit() == 0 || r.output().startsWith("HUNG")) {
                    break;
                }
                Thread.sleep(200);
            } while (System.nanoTime() < deadline);
            if (!r.output().startsWith("HUNG")) {
                return r;
            }
            hangs.add(r.output());
            Path kept = Path.of("target", "hung-attempts", "hang-" + System.currentTimeMillis() + ".txt").toAbsolutePath();
            Files.createDirectories(kept.getParent());
            Files.writeString(kept, r.output());
            System.err.println("HUNG attempt kept in " + kept);
            System.err.println("=".repeat(30) + " HUNG (attempt killed, " + (hung == 0 ? "trying again" : "failing")
                    + ") " + "=".repeat(30) + "\n" + r.output() + "\n" + "=".repeat(80));
            if (++hung > 1) {
                return r;
            }
        }
    }

    /** The outputs (with {@link #snapshot}s) of the attempts {@link #retryWatched} found hung. */
    final List<String> hangs = new ArrayList<>();

    /** Runs a command for at most {@code seconds}; then takes a {@link #snapshot} and kills it with what it forked. */
    Sh.Result runWatched(int seconds, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // killed
            }
        });
        pump.start();
        if (p.waitFor(seconds, TimeUnit.SECONDS)) {
            pump.join(5000);
            return new Sh.Result(p.exitValue(), out.toString());
        }
        String snap = snapshot();
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        pump.join(1000);
        return new Sh.Result(-1, "HUNG after " + seconds + " s: " + String.join(" ", cmd) + "\noutput: " + out
                + "\n" + snap);
    }

    /**
     * The TCP connections as the peer's kernel (ss), each tenant's stack and its endpoint (the
     * pump state of every shim socket) see them, and the processes started by {@link #spawn}
     * with their descendants: what to look at when a transfer hung.
     */
    String snapshot() {
        StringBuilder sb = new StringBuilder();
        sb.append("--- Linux peer, ss -tnioe:\n").append(Sh.run(10, inLinux("ss", "-tnioe")).output());
        for (Member m : members) {
            try {
                CompletableFuture<String> shim = new CompletableFuture<>();
                m.endpoint.execute(() -> shim.complete(m.endpoint.describe()));
                sb.append("--- tenant ").append(m.ip).append(", endpoint sockets:\n").append(shim.get(10, TimeUnit.SECONDS));
                sb.append("--- tenant ").append(m.ip).append(", stack TCP connections:\n")
                        .append(m.tenant.instance().query(st -> st.tcp().debugDump()).await(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                sb.append("--- tenant ").append(m.ip).append(": ").append(e).append('\n');
            }
        }
        List<String> ps = new ArrayList<>(List.of("ps", "-o", "pid,ppid,stat,wchan:24,etimes,args", "-p"));
        StringBuilder pids = new StringBuilder();
        synchronized (daemons) {
            for (Daemon d : daemons) {
                Stream.concat(Stream.of(d.process.toHandle()), d.process.descendants())
                        .forEach(h -> pids.append(pids.length() > 0 ? "," : "").append(h.pid()));
            }
        }
        if (pids.length() > 0) {
            ps.add(pids.toString());
            sb.append("--- spawned processes:\n").append(Sh.run(10, ps).output());
        }
        return sb.toString();
    }

    /**
     * Kills a program and everything it forked. The tree is stopped first (SIGSTOP, pass after
     * pass until no new process shows up: a stopped process cannot fork), then killed: killed
     * from the leaves while the root still ran, an nginx master forked new workers for the dead
     * ones, and these outlived the test.
     */
    static void kill(Process p) {
        Set<Long> tree = new LinkedHashSet<>();
        for (int pass = 0; pass < 20; pass++) {
            List<String> fresh = Stream.concat(Stream.of(p.toHandle()), p.descendants()).filter(ProcessHandle::isAlive)
                    .map(ProcessHandle::pid).filter(tree::add).map(String::valueOf).toList();
            if (fresh.isEmpty()) {
                break;
            }
            List<String> stop = new ArrayList<>(List.of("kill", "-STOP"));
            stop.addAll(fresh);
            Sh.run(10, stop);
        }
        tree.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
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

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Override
    public void close() throws Exception {
        List<Daemon> running;
        synchronized (daemons) {
            running = new ArrayList<>(daemons);
        }
        running.forEach(Daemon::close);
        try {
            for (Member m : members) {
                m.endpoint.close();
            }
            if (manager != null) {
                manager.shutdown().await(20, TimeUnit.SECONDS);
            }
            if (vertx != null) {
                vertx.close().await(20, TimeUnit.SECONDS);
            }
        } finally {
            Lab.deleteNamespace(ns);
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
