package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.tenant.SocketReactor;

/**
 * A connection the server turns away while a test runs, or a data connection with another
 * test's cookie: it gets ACCESS_DENIED, one byte (iperf_server_api.c iperf_accept,
 * iperf_tcp.c iperf_tcp_accept), and is closed when the client has read it and closed its
 * side, or when the server's timer gives up on it. What the client sends (its cookie) is
 * read and dropped meanwhile, so that closing does not answer with a reset that could
 * overtake the byte.
 */
final class Iperf3Denial {
    private final TcpSocket socket;
    private final SocketReactor reactor;
    private final byte[] scratch;
    private final Runnable onClose;
    private boolean closed;

    Iperf3Denial(TcpSocket socket, SocketReactor reactor, byte[] scratch, Runnable onClose) {
        this.socket = socket;
        this.reactor = reactor;
        this.scratch = scratch;
        this.onClose = onClose;
        socket.write(new byte[] {Iperf3Protocol.ACCESS_DENIED}, 0, 1);
        socket.shutdown(TcpSocket.SHUT_WR);
        reactor.watch(socket, this::onReady);
    }

    private void onReady(StackSocket s, int events) {
        while (!closed) {
            int r = socket.read(scratch, 0, scratch.length);
            if (r == -Errno.EAGAIN) {
                return;
            }
            if (r <= 0) {
                close();
            }
        }
    }

    void close() {
        if (!closed) {
            closed = true;
            reactor.unwatch(socket);
            socket.close();
            onClose.run();
        }
    }
}
