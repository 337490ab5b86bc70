package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;

/**
 * TCP chargen (RFC 864): the character pattern, sent as fast as the connection takes it, until
 * the client closes; whatever the client sends is discarded.
 */
final class TcpChargen extends TcpConnectionHandler {
    private final byte[] buffer = new byte[64 * 1024];
    private long position;

    @Override
    protected void step(int events) {
        while (true) {
            int n = socket.read(buffer, 0, buffer.length);
            if (n == 0 || (n < 0 && n != -Errno.EAGAIN)) {
                close();
                return;
            }
            if (n == -Errno.EAGAIN) {
                break;
            }
        }
        while (true) {
            Chargen.fill(buffer, 0, buffer.length, position);
            int w = write(buffer, 0, buffer.length);
            if (w <= 0) {
                return;
            }
            position += w;
        }
    }
}
