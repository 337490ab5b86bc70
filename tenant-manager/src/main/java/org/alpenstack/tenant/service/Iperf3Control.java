package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.tcp.TcpSocket;

/**
 * The control connection of a test, read message by message: the caller says how many bytes
 * the next message has ({@link #expect}) and {@link #fill} reads exactly those, never into the
 * message after, so a state byte that follows a JSON blob stays in the socket until asked for.
 * What is written goes out at once; the few bytes the send buffer does not take wait for POLLOUT.
 */
final class Iperf3Control {
    final TcpSocket socket;
    private final byte[] small = new byte[Iperf3Protocol.COOKIE_SIZE];
    private byte[] in = small;
    private int want;
    private int have;
    private byte[] out;
    private int outOff;
    private boolean eof;
    private boolean failed;

    Iperf3Control(TcpSocket socket) {
        this.socket = socket;
    }

    /** The next message is {@code n} bytes (a JSON length is checked by the caller first). */
    void expect(int n) {
        in = n <= small.length ? small : new byte[n];
        want = n;
        have = 0;
    }

    /** Reads toward the expected message; true once it is complete (then {@link #message} holds it). */
    boolean fill() {
        while (have < want && !eof && !failed) {
            int r = socket.read(in, have, want - have);
            if (r == -Errno.EAGAIN) {
                return false;
            }
            if (r == 0) {
                eof = true;
            } else if (r < 0) {
                failed = true;
            } else {
                have += r;
            }
        }
        return have == want;
    }

    byte[] message() {
        return in;
    }

    /** The peer sent FIN before the expected message was complete, or the connection failed. */
    boolean broken() {
        return (eof || failed) && have < want;
    }

    /** Queues {@code b} after what is pending and writes as much as fits; false if the connection failed. */
    boolean send(byte[] b) {
        if (out != null) {
            byte[] joined = new byte[out.length - outOff + b.length];
            System.arraycopy(out, outOff, joined, 0, out.length - outOff);
            System.arraycopy(b, 0, joined, out.length - outOff, b.length);
            out = joined;
        } else {
            out = b;
        }
        outOff = 0;
        return flush();
    }

    boolean send(byte state) {
        return send(new byte[] {state});
    }

    /** Writes what is pending; false if the connection failed. */
    boolean flush() {
        while (out != null) {
            int w = socket.write(out, outOff, out.length - outOff);
            if (w == -Errno.EAGAIN) {
                return true;
            }
            if (w < 0) {
                failed = true;
                out = null;
                return false;
            }
            outOff += w;
            if (outOff == out.length) {
                out = null;
            }
        }
        return !failed;
    }

    /** FIN after whatever is still queued in the stack (shutdown(SHUT_WR), then close). */
    void close() {
        socket.shutdown(TcpSocket.SHUT_WR);
        socket.close();
    }
}
