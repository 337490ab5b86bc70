package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;

/**
 * TCP echo (RFC 862): everything received is sent back; after the peer's FIN, ours follows the
 * echoed data. Bytes are read into the service's shared scratch buffer and written back at
 * once; only what the send buffer does not take is kept, in a buffer of this connection that
 * exists while it waits for send space (POLLOUT). An idle or keeping-up connection holds none.
 */
final class TcpEcho extends TcpConnectionHandler {
    private byte[] pending;
    private int pendingOff;
    private int pendingLen;
    private boolean eof;

    @Override
    protected void step(int events) {
        while (true) {
            if (pendingLen > 0) {
                int w = write(pending, pendingOff, pendingLen);
                if (w < 0) {
                    return;
                }
                pendingOff += w;
                pendingLen -= w;
                if (pendingLen > 0) {
                    return; // wait for send space (POLLOUT)
                }
                pending = null;
            }
            if (eof) {
                finish();
                return;
            }
            int n = socket.read(scratch, 0, scratch.length);
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
            int w = write(scratch, 0, n);
            if (w < 0) {
                return;
            }
            if (w < n) {
                // The scratch buffer belongs to the next connection's step: keep the rest here.
                pending = java.util.Arrays.copyOfRange(scratch, w, n);
                pendingOff = 0;
                pendingLen = n - w;
            }
        }
    }
}
