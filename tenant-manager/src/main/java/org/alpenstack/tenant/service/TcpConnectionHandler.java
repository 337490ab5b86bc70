package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.tenant.SocketReactor;

/**
 * One accepted connection of an in-process service, driven by readiness on the instance's
 * context. Subclasses implement {@link #step}: read what is there, write what fits, and return;
 * they are called again when the socket's readiness changes (more data, more send space, FIN).
 */
abstract class TcpConnectionHandler {
    protected TcpSocket socket;
    /**
     * A read buffer shared by every connection of every service on this thread
     * ({@link ContextScratch}): they run one step at a time, so a step may use it but must not
     * expect its contents to survive. Keeping bytes across steps is the handler's own business (and memory).
     */
    protected byte[] scratch;
    private SocketReactor reactor;
    private Runnable onClose;
    private boolean closed;

    final void bind(TcpSocket socket, SocketReactor reactor, Runnable onClose, byte[] scratch) {
        this.socket = socket;
        this.scratch = scratch;
        this.reactor = reactor;
        this.onClose = onClose;
    }

    final void onReady(StackSocket s, int events) {
        if (!closed) {
            step(events);
        }
    }

    /** Reads and writes as far as the socket allows without blocking. */
    protected abstract void step(int events);

    /**
     * Writes {@code len} bytes; returns how many the socket took (0 when its buffer is full),
     * or -1 after closing the connection on an error (the peer reset it ...).
     */
    protected final int write(byte[] b, int off, int len) {
        int n = socket.write(b, off, len);
        if (n == -Errno.EAGAIN) {
            return 0;
        }
        if (n < 0) {
            close();
            return -1;
        }
        return n;
    }

    /** Queues our FIN after what is buffered (shutdown(SHUT_WR)) and closes the socket. */
    protected final void finish() {
        socket.shutdown(TcpSocket.SHUT_WR);
        close();
    }

    protected final void close() {
        if (!closed) {
            closed = true;
            reactor.unwatch(socket);
            socket.close();
            onClose.run();
        }
    }

    protected final boolean isClosed() {
        return closed;
    }
}
