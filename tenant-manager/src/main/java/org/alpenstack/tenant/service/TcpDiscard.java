package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;

/** TCP discard (RFC 863): everything received is thrown away; the peer's FIN closes the connection. */
final class TcpDiscard extends TcpConnectionHandler {
    /** Shared by all connections of one discard service (one instance context; see TcpEcho). */
    private final byte[] buffer;

    TcpDiscard(byte[] scratch) {
        this.buffer = scratch;
    }

    @Override
    protected void step(int events) {
        while (true) {
            int n = socket.read(buffer, 0, buffer.length);
            if (n == -Errno.EAGAIN) {
                return;
            }
            if (n <= 0) {
                if (n == 0) {
                    finish();
                } else {
                    close();
                }
                return;
            }
        }
    }
}
