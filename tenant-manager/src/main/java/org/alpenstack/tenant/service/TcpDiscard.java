package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;

/** TCP discard (RFC 863): everything received is thrown away; the peer's FIN closes the connection. */
final class TcpDiscard extends TcpConnectionHandler {
    private final byte[] buffer = new byte[64 * 1024];

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
