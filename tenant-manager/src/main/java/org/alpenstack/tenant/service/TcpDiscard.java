package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;

/** TCP discard (RFC 863): everything received is thrown away; the peer's FIN closes the connection. */
final class TcpDiscard extends TcpConnectionHandler {
    @Override
    protected void step(int events) {
        while (true) {
            int n = socket.read(scratch, 0, scratch.length);
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
