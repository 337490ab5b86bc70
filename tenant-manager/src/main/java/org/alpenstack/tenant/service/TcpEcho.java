package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;

/** TCP echo (RFC 862): everything received is sent back; after the peer's FIN, ours follows the echoed data. */
final class TcpEcho extends TcpConnectionHandler {
    private final byte[] buffer = new byte[64 * 1024];
    private int pendingOff;
    private int pendingLen;
    private boolean eof;

    @Override
    protected void step(int events) {
        while (true) {
            if (pendingLen > 0) {
                int w = write(buffer, pendingOff, pendingLen);
                if (w < 0) {
                    return;
                }
                pendingOff += w;
                pendingLen -= w;
                if (pendingLen > 0) {
                    return; // wait for send space (POLLOUT)
                }
            }
            if (eof) {
                finish();
                return;
            }
            int n = socket.read(buffer, 0, buffer.length);
            if (n == -Errno.EAGAIN) {
                return;
            }
            if (n == 0) {
                eof = true;
                continue;
            }
            if (n < 0) {
                close();
                return;
            }
            pendingOff = 0;
            pendingLen = n;
        }
    }
}
