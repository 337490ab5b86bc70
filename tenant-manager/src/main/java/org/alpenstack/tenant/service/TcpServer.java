package org.alpenstack.tenant.service;

import java.util.function.Supplier;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.tenant.ContextScratch;
import org.alpenstack.tenant.SocketReactor;
import org.alpenstack.tenant.StackInstance;

/**
 * A listening TCP socket on an instance that accepts every pending connection when it becomes
 * readable and gives each one a fresh {@link TcpConnectionHandler}, watched by the instance's
 * {@link SocketReactor}: the inetd pattern on the stack's non-blocking socket API.
 */
final class TcpServer implements InstanceService {
    /** Like a busy server's listen(fd, SOMAXCONN): 200 parallel clients must not overflow it. */
    private static final int BACKLOG = 4096;

    private final String name;
    private final StackInstance instance;
    private final TcpSocket listener;
    private final Supplier<TcpConnectionHandler> handlers;
    private long accepted;
    private int open;

    private TcpServer(String name, StackInstance instance, TcpSocket listener, Supplier<TcpConnectionHandler> handlers) {
        this.name = name;
        this.instance = instance;
        this.listener = listener;
        this.handlers = handlers;
    }

    /**
     * Makes {@code s} a service's listener on 0.0.0.0:{@code port} (SO_REUSEADDR, as inetd and
     * most daemons set it, so a restart finds its port free while old connections sit in
     * TIME-WAIT). Returns 0, or -errno after closing {@code s}.
     */
    static int listen(TcpSocket s, int port, int backlog) {
        s.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_REUSEADDR, 1);
        int r = s.bind(new InetEndpoint(0, port));
        if (r == 0) {
            r = s.listen(backlog);
        }
        if (r < 0) {
            s.close();
        }
        return r;
    }

    /**
     * The next established connection of {@code listener}, or null when none is waiting.
     * ECONNABORTED and the like concern one connection: it is skipped and the listener goes on.
     */
    static TcpSocket acceptNext(TcpSocket listener) {
        while (true) {
            TcpSocket c = listener.accept();
            if (c != null) {
                return c;
            }
            int e = listener.acceptError();
            if (e == -Errno.EAGAIN || e == 0) {
                return null;
            }
        }
    }

    /** On the instance's context. Returns 0 or -errno (EADDRINUSE ...). */
    static int start(String name, StackInstance instance, int port, Supplier<TcpConnectionHandler> handlers,
            java.util.List<InstanceService> out) {
        TcpSocket s = instance.stack().openTcp();
        // No SO_SNDBUF/SO_RCVBUF: as on Linux, setting them turns buffer autotuning off, and a
        // busy connection's rings grow to their full size, so fixed large buffers would cost
        // megabytes per connection (200 parallel clients once ran the heap out).
        // Accepted connections inherit TCP_NODELAY: responses go out without waiting for ACKs.
        s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, 1);
        int r = listen(s, port, BACKLOG);
        if (r < 0) {
            return r;
        }
        TcpServer server = new TcpServer(name, instance, s, handlers);
        instance.reactor().watch(s, server::onListenerReady);
        out.add(server);
        return 0;
    }

    private void onListenerReady(StackSocket s, int events) {
        if ((events & Readiness.POLLIN) == 0) {
            return;
        }
        for (TcpSocket c; (c = acceptNext(listener)) != null; ) {
            accepted++;
            open++;
            TcpConnectionHandler h = handlers.get();
            // The context's shared read buffer (ContextScratch): 10,000 idle echo connections
            // hold no buffer of their own, and an instance's services none either.
            h.bind(c, instance.reactor(), () -> open--, ContextScratch.get());
            instance.reactor().watch(c, h::onReady);
        }
    }

    @Override
    public String name() {
        return name + "/tcp";
    }

    @Override
    public int port() {
        return listener.localEndpoint().port();
    }

    @Override
    public String describe() {
        return name() + " port " + port() + " accepted " + accepted + " open " + open;
    }

    @Override
    public void stop() {
        instance.reactor().unwatch(listener);
        listener.close();
    }
}
