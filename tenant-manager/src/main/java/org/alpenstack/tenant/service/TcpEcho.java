package org.alpenstack.tenant.service;

import java.util.Arrays;
import org.alpenstack.kernel.socket.Errno;

/** TCP echo (RFC 862): everything received is sent back; after the peer's FIN, ours follows the echoed data. */
final class TcpEcho extends TcpConnectionHandler {
    /**
     * Read buffer shared by all connections of one echo service: they all run on the instance's
     * context, one step at a time, and a step leaves nothing in it. A connection keeps bytes of
     * its own only while the socket's send buffer cannot take them, so accepting a connection
     * allocates no 64 KiB buffer (it dominated the allocation of a connect/request/close load).
     */
    private final byte[] scratch;
    /** Read but not yet sent (the send buffer was full); null when everything went out. */
    private byte[] pending;
    private int pendingOff;
    private int pendingLen;
    private boolean eof;

    TcpEcho(byte[] scratch) {
        this.scratch = scratch;
    }

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
                    return; // wait for send space (POLLOUT); read nothing more meanwhile
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
                pending = Arrays.copyOfRange(scratch, w, n);
                pendingOff = 0;
                pendingLen = n - w;
                return;
            }
        }
    }
}
