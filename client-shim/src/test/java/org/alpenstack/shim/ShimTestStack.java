package org.alpenstack.shim;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.stack.NetStack;

/**
 * A stack instance with its endpoint, owned by one Vert.x context on the native (epoll)
 * transport, as the server runs it; plus running preloaded programs against it.
 */
final class ShimTestStack implements AutoCloseable {
    static final Path MODULE = Path.of(System.getProperty("user.dir"));
    static final Path NATIVE = MODULE.resolve("target/test-native");

    final Vertx vertx;
    final EventLoop loop;
    final NetStack stack;
    final TenantEndpoint endpoint;
    final Path dir;
    final Path preload;
    private boolean pollQueued;

    private ShimTestStack(Vertx vertx, EventLoop loop, NetStack stack, TenantEndpoint endpoint, Path dir, Path preload) {
        this.vertx = vertx;
        this.loop = loop;
        this.stack = stack;
        this.endpoint = endpoint;
        this.dir = dir;
        this.preload = preload;
    }

    static ShimTestStack start(String name) throws Exception {
        return start(name, AccessPolicy.serverUserOnly());
    }

    static ShimTestStack start(String name, AccessPolicy policy) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
        if (!vertx.isNativeTransportEnabled()) {
            throw new IllegalStateException("no native transport", vertx.unavailableNativeTransportCause());
        }
        ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
        EventLoop loop = ctx.nettyEventLoop();
        Path dir = Files.createTempDirectory("alpenstack-shim-");
        Path lib = ShimLibrary.extract(dir.resolve("lib"));
        NetStack stack = CompletableFuture.supplyAsync(() -> {
            NetStack st = new NetStack(name, new BufferPool(), System::nanoTime);
            // A loopback MTU unlike the kernel's (65536), so a test can tell whose answer a
            // program saw (ifconfig, SIOCGIFMTU). (It first worked around a core-kernel bug that
            // bulk.c found: full-sized segments on a 65536 MTU exceeded IP's 65535-byte total
            // length and were all discarded; fixed in core-kernel since.)
            st.loopback().setMtu(16384);
            return st;
        }, loop).get();
        ShimTestStack[] self = new ShimTestStack[1];
        TenantEndpoint endpoint = TenantEndpoint.start(loop, name, stack, stack::openTcp, dir.resolve("run"),
                policy, () -> self[0].kick()).get(10, TimeUnit.SECONDS);
        self[0] = new ShimTestStack(vertx, loop, stack, endpoint, dir, lib.resolve(ShimLibrary.PRELOAD));
        loop.scheduleAtFixedRate(() -> self[0].pollNow(), 1, 1, TimeUnit.MILLISECONDS);
        return self[0];
    }

    /** On the loop: the stack was touched, poll it soon (loopback packets wait for a poll). */
    void kick() {
        if (!pollQueued) {
            pollQueued = true;
            loop.execute(this::pollNow);
        }
    }

    private void pollNow() {
        pollQueued = false;
        for (int i = 0; i < 64; i++) {
            stack.poll(System.nanoTime());
            if (stack.nextDeadline() > System.nanoTime()) {
                return;
            }
        }
        kick();
    }

    <T> T onLoop(Function<NetStack, T> f) throws Exception {
        return CompletableFuture.supplyAsync(() -> f.apply(stack), loop).get(10, TimeUnit.SECONDS);
    }

    /** Compiles src/test/c/NAME.c once into target/test-native/NAME. */
    static Path compile(String name) throws IOException, InterruptedException {
        Files.createDirectories(NATIVE);
        Path out = NATIVE.resolve(name);
        Path src = MODULE.resolve("src/test/c/" + name + ".c");
        if (Files.exists(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) > 0) {
            return out;
        }
        Process p = new ProcessBuilder("gcc", "-Wall", "-Wextra", "-Werror", "-O1", "-o", out.toString(), src.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("gcc " + name + ":\n" + log);
        }
        return out;
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs a preloaded program attached to this instance (no sandbox: the test owns the host side). */
    Result run(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cmd));
        ProcessBuilder pb = new ProcessBuilder(c);
        pb.environment().put("LD_PRELOAD", preload.toString());
        pb.environment().put("ALPENSTACK_ENDPOINT", endpoint.socketPath().toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            String state = describe();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            return new Result(-1, Files.readString(out), Files.readString(err) + "\n(timed out after " + timeoutSeconds + " s)\n" + state);
        }
        int exit = p.exitValue();
        return new Result(exit, Files.readString(out), Files.readString(err) + (exit != 0 ? "\nendpoint:\n" + describe() : ""));
    }

    String describe() {
        try {
            return CompletableFuture.supplyAsync(() -> endpoint.describe()
                    + "tcp segIn=" + stack.tcp().counters().segmentsIn + " segOut=" + stack.tcp().counters().segmentsOut
                    + " retrans=" + stack.tcp().counters().retransmittedSegments
                    + " internalError=" + stack.lastInternalError() + "\n" + stack.counters().snapshot(), loop).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "(no state: " + e + ")";
        }
    }

    /** Starts a preloaded program in the background (a server); output goes to files in the test dir. */
    Process spawn(String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LD_PRELOAD", preload.toString());
        pb.environment().put("ALPENSTACK_ENDPOINT", endpoint.socketPath().toString());
        pb.redirectOutput(Files.createTempFile(dir, "bg-out", ".txt").toFile());
        pb.redirectError(Files.createTempFile(dir, "bg-err", ".txt").toFile());
        Process p = pb.start();
        spawned.add(p);
        return p;
    }

    private final List<Process> spawned = new ArrayList<>();

    @Override
    public void close() throws Exception {
        for (Process p : spawned) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        endpoint.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
