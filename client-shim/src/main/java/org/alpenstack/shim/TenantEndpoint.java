package org.alpenstack.shim;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.alpenstack.kernel.socket.DatagramSocket;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.tcp.TcpSocket;

/**
 * The unix-socket server through which preloaded programs use one stack instance
 * (client-shim/README.md is the protocol).
 *
 * <p>Runs entirely on {@code loop}, the event loop that owns the instance's NetStack: every
 * stack call, every data socket and every control session of this endpoint is handled on that
 * one thread, so bytes cross no thread between a program's socket and the stack. The loop must
 * be a Netty epoll loop (Vert.x with native transport gives one per context).
 */
public final class TenantEndpoint implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TenantEndpoint.class.getName());
    /** Sockets a control session may hold that no data socket has attached yet. */
    static final int MAX_UNATTACHED_PER_SESSION = 1024;
    /** How long a socket created by a vanished session waits for its data socket (exec races). */
    static final long ORPHAN_GRACE_MILLIS = 2000;
    static final int DATA_SNDBUF = 1 << 20;

    private final EventLoop loop;
    private final String instanceName;
    private final NetStack stack;
    private final Supplier<TcpSocket> tcpFactory;
    private final AccessPolicy policy;
    private final Runnable stackTouched;
    private final Path socketPath;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, ShimHandle> sockets = new HashMap<>();
    private final ArrayDeque<ShimHandle> dirty = new ArrayDeque<>();
    /** The attached processes' control sessions, by their channel. */
    private final Map<Channel, ControlSession> controls = new java.util.LinkedHashMap<>();
    /** Open pass-fd channels (closed with the endpoint). */
    private final java.util.Set<Channel> passChannels = new java.util.HashSet<>();
    private boolean drainScheduled;
    private volatile ResolverConfig resolver = ResolverConfig.NONE;
    /** Errors of reset connections whose data sockets are closed, until a read asks (bounded). */
    private final Map<Long, Integer> tombstones = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
            return size() > MAX_TOMBSTONES;
        }
    };
    static final int MAX_TOMBSTONES = 4096;
    private Channel server;
    private final HangupProbe hangups = new HangupProbe();
    private io.netty.util.concurrent.ScheduledFuture<?> probeTask;
    private long framesRejected;

    private TenantEndpoint(EventLoop loop, String instanceName, NetStack stack, Supplier<TcpSocket> tcpFactory,
                           Path socketDir, AccessPolicy policy, Runnable stackTouched) {
        this.loop = loop;
        this.instanceName = instanceName;
        this.stack = stack;
        this.tcpFactory = tcpFactory;
        this.policy = policy;
        this.stackTouched = stackTouched;
        this.socketPath = socketDir.resolve(instanceName + ".sock");
    }

    /**
     * Starts the endpoint of one instance at {@code socketDir/<instanceName>.sock}.
     *
     * @param loop         the epoll event loop that owns {@code stack}
     * @param tcpFactory   opens a TCP socket in the instance (e.g. {@code stack::openTcp}), called on the loop
     * @param stackTouched called on the loop after the endpoint called into the stack, so the owner
     *                     re-reads {@code nextDeadline()} (loopback packets wait for the next poll)
     */
    public static CompletableFuture<TenantEndpoint> start(EventLoop loop, String instanceName, NetStack stack,
                                                          Supplier<TcpSocket> tcpFactory, Path socketDir,
                                                          AccessPolicy policy, Runnable stackTouched) {
        CompletableFuture<TenantEndpoint> result = new CompletableFuture<>();
        if (!instanceName.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            result.completeExceptionally(new IllegalArgumentException("bad instance name: " + instanceName));
            return result;
        }
        TenantEndpoint e = new TenantEndpoint(loop, instanceName, stack, tcpFactory, socketDir, policy, stackTouched);
        try {
            e.prepareDirectory(socketDir);
        } catch (IOException | RuntimeException ex) {
            result.completeExceptionally(ex);
            return result;
        }
        new ServerBootstrap()
                .group(loop)
                .channel(EpollServerDomainSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(128 * 1024, 512 * 1024))
                .childOption(ChannelOption.SO_SNDBUF, Integer.getInteger("alpenstack.shim.sndbuf", DATA_SNDBUF))
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        e.admit(ch);
                    }
                })
                .bind(new DomainSocketAddress(e.socketPath.toFile()))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(f.cause());
                        return;
                    }
                    e.server = ((io.netty.channel.ChannelFuture) f).channel();
                    e.probeTask = loop.scheduleAtFixedRate(e::probeHangups, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
                    try {
                        Files.setPosixFilePermissions(e.socketPath, PosixFilePermissions.fromString("rw-rw----"));
                    } catch (IOException ex) {
                        e.server.close();
                        result.completeExceptionally(ex);
                        return;
                    }
                    result.complete(e);
                });
        return result;
    }

    private void prepareDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        }
        // A socket file left by a previous server run would make bind fail with EADDRINUSE.
        Files.deleteIfExists(socketPath);
    }

    public Path socketPath() {
        return socketPath;
    }

    public String instanceName() {
        return instanceName;
    }

    /** Sockets currently known (for tests and metrics; call on the loop). */
    public int socketCount() {
        return sockets.size();
    }

    /** One line per socket with its pump state (diagnostics; call on the loop). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ShimHandle s : sockets.values()) {
            sb.append(s).append('\n');
        }
        return sb.toString();
    }

    /** Control frames answered with an error or that closed their session. */
    public long framesRejected() {
        return framesRejected;
    }

    /** The names policy programs of this tenant see from now on (any thread). */
    public void setResolver(ResolverConfig config) {
        resolver = config;
    }

    ResolverConfig resolver() {
        return resolver;
    }

    /** Runs {@code r} on the endpoint's loop. */
    public void execute(Runnable r) {
        loop.execute(r);
    }

    @Override
    public void close() {
        loop.execute(() -> {
            if (probeTask != null) {
                probeTask.cancel(false);
            }
            if (server != null) {
                server.close();
            }
            for (ShimHandle s : sockets.values().toArray(new ShimHandle[0])) {
                s.close();
            }
            // Programs learn at their next call (ENETDOWN), and blocked ones wake up at EOF.
            for (Channel c : controls.keySet().toArray(new Channel[0])) {
                c.close();
            }
            for (Channel c : passChannels.toArray(new Channel[0])) {
                c.close();
            }
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException ex) {
                LOG.log(Level.FINE, "removing " + socketPath, ex);
            }
        });
    }

    // ---- connections ----

    private void admit(EpollDomainSocketChannel ch) {
        PeerCredentials cred;
        try {
            cred = ch.peerCredentials();
        } catch (IOException ex) {
            ch.close();
            return;
        }
        boolean allowed = policy.allows(cred.uid(), cred.gids());
        ch.pipeline().addLast(new HelloDecoder(this, cred, allowed));
    }

    /**
     * A connection that arrived as an fd on a pass-fd channel: admitted like an accepted one,
     * without the policy check (the channel passed it). Its own SO_PEERCRED names the process
     * that made it; an fd without one (not a unix socket) is closed.
     */
    void admitPassed(io.netty.channel.unix.FileDescriptor fd) {
        EpollDomainSocketChannel ch;
        try {
            ch = new EpollDomainSocketChannel(fd.intValue());
        } catch (RuntimeException ex) {
            // Netty reads SO_ERROR first: not a socket at all (a pipe, a file).
            rejected();
            PassedFdHandler.closeQuietly(fd);
            return;
        }
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(128 * 1024, 512 * 1024));
        PeerCredentials cred;
        try {
            cred = ch.peerCredentials();
        } catch (IOException ex) {
            cred = null;
        }
        if (cred == null || cred.pid() <= 0) {
            // Not one end of a unix socketpair or connection (SO_PEERCRED names no process):
            // nothing the shim would pass.
            rejected();
            PassedFdHandler.closeQuietly(fd);
            return;
        }
        ch.pipeline().addLast(new HelloDecoder(this, cred, true));
        loop.register(ch);
    }

    NetStack stack() {
        return stack;
    }

    /** The context's shared scratch buffer (ContextScratch): good until the caller's callback returns. */
    byte[] scratch() {
        return org.alpenstack.tenant.ContextScratch.get();
    }

    void rejected() {
        framesRejected++;
    }

    /** A new stack TCP socket for a control session. */
    ShimSocket openTcp(ControlSession creator) {
        return register(tcpFactory.get(), creator, null);
    }

    private long newToken() {
        long token;
        do {
            token = random.nextLong();
        } while (token == 0 || sockets.containsKey(token));
        return token;
    }

    /** A new stack datagram socket (UDP, or ICMP ping) for a control session. */
    ShimDatagram openDatagram(ControlSession creator, boolean ping) {
        DatagramSocket d = ping ? stack.openPing() : stack.openUdp();
        ShimDatagram s = new ShimDatagram(this, newToken(), d, creator);
        sockets.put(s.token, s);
        d.setListener((sock, events) -> markDirty(s));
        return s;
    }

    ShimSocket register(TcpSocket tcp, ControlSession creator, ShimSocket parent) {
        long token = newToken();
        ShimSocket s = new ShimSocket(this, token, tcp, creator, parent);
        sockets.put(token, s);
        tcp.setListener((sock, events) -> markDirty(s));
        return s;
    }

    void tombstone(long token, int errno) {
        tombstones.put(token, errno);
    }

    /** The error a closed, reset socket still owes its program (once), or 0. */
    int takeTombstone(long token) {
        Integer e = tombstones.remove(token);
        return e == null ? 0 : e;
    }

    ShimHandle lookup(long token) {
        return sockets.get(token);
    }

    void forget(ShimHandle s) {
        sockets.remove(s.token);
    }

    /** A DATA hello named {@code token}: the connection becomes that socket's data socket. */
    ShimHandle attachable(long token) {
        ShimHandle s = sockets.get(token);
        return s == null || s.isAttached() || s.isClosed() ? null : s;
    }

    void passChannelOpened(Channel ch) {
        passChannels.add(ch);
        ch.closeFuture().addListener(f -> passChannels.remove(ch));
    }

    void sessionStarted(ControlSession session) {
        controls.put(session.channel(), session);
    }

    /** A process attached through the shim, as the admin API's /clients lists it. */
    public record Client(long pid, int uid, String program, long attachedAtMillis, int sockets) {
    }

    /**
     * The processes attached now (one per control session: a forked child opens its own).
     * Call on the endpoint's event loop, which is the instance's context.
     */
    public java.util.List<Client> clients() {
        Map<ControlSession, Integer> counts = socketCounts();
        java.util.List<Client> out = new java.util.ArrayList<>();
        for (ControlSession c : controls.values()) {
            out.add(client(c, counts.getOrDefault(c, 0)));
        }
        return out;
    }

    /** The process that created the stack socket {@code stackSocketId} (for accepted sockets, its listener's), or null. */
    public Client ownerOf(int stackSocketId) {
        for (ShimHandle h : sockets.values()) {
            if (h.stackSocketId() == stackSocketId) {
                ControlSession c = h.owner();
                return c == null ? null : client(c, socketCounts().getOrDefault(c, 0));
            }
        }
        return null;
    }

    private Map<ControlSession, Integer> socketCounts() {
        Map<ControlSession, Integer> counts = new HashMap<>();
        for (ShimHandle h : sockets.values()) {
            ControlSession c = h.owner();
            if (c != null && !h.isClosed()) {
                counts.merge(c, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static Client client(ControlSession c, int sockets) {
        long pid = c.helloPid > 0 ? c.helloPid : c.cred.pid();
        return new Client(pid, c.cred.uid(), programOf(pid), c.startedAtMillis, sockets);
    }

    /** The program name as ps shows it ({@code /proc/PID/comm}), or null once the process is gone. */
    private static String programOf(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A control session ended: sockets it created that were never attached are freed. */
    void sessionEnded(ControlSession session) {
        controls.remove(session.channel());
        loop.schedule(() -> {
            for (ShimHandle s : sockets.values().toArray(new ShimHandle[0])) {
                if (s.creator == session && !s.isAttached()) {
                    try {
                        s.close();
                    } catch (RuntimeException ex) {
                        LOG.log(Level.WARNING, "closing orphan " + s, ex);
                        forget(s);
                    }
                }
            }
            stackTouched.run();
        }, ORPHAN_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    int unattachedCount(ControlSession session) {
        int n = 0;
        for (ShimHandle s : sockets.values()) {
            if (s.creator == session && !s.isAttached()) {
                n++;
            }
        }
        return n;
    }

    /** Closes the sockets whose program closed them after a half-close (shutdown then close). */
    private void probeHangups() {
        java.util.List<ShimSocket> candidates = new java.util.ArrayList<>();
        for (ShimHandle h : sockets.values()) {
            if (h instanceof ShimSocket s && s.awaitingFullClose()) {
                candidates.add(s);
            }
        }
        try {
            for (ShimSocket s : hangups.hungUp(candidates)) {
                s.close();
            }
        } catch (RuntimeException | LinkageError ex) {
            LOG.log(Level.WARNING, "hang-up probe failed", ex);
        }
        if (!candidates.isEmpty()) {
            stackTouched.run();
        }
    }

    /** Readiness listener: note the socket, act after the stack returns (no re-entry). */
    private void markDirty(ShimHandle s) {
        dirty.add(s);
        if (!drainScheduled) {
            drainScheduled = true;
            loop.execute(this::drainDirty);
        }
    }

    private void drainDirty() {
        drainScheduled = false;
        ShimHandle s;
        while ((s = dirty.poll()) != null) {
            update(s);
        }
        stackTouched.run();
    }

    /** Runs the socket's pump, guarding the loop against a bug in it. */
    void update(ShimHandle s) {
        try {
            s.update();
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "shim socket " + Long.toHexString(s.token) + " failed; closing it", ex);
            try {
                s.close();
            } catch (RuntimeException again) {
                forget(s);
            }
        }
    }

    void touched() {
        stackTouched.run();
    }
}
