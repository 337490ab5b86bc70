package org.alpenstack.tenant.service;

import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.tcp.TcpInfo;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.tenant.SocketReactor;

/**
 * One data connection of a test. It first reads the test's cookie (iperf3 src/iperf_tcp.c
 * iperf_tcp_accept); once the test runs, a receiving stream discards what arrives into the
 * server's one scratch buffer and counts it, a sending stream writes its block, over and over,
 * as fast as the socket takes it. Nothing is allocated per read or write.
 */
final class Iperf3Stream {
    /** The test a stream belongs to: its cookie, its limits and the shared read buffer. */
    interface Owner {
        void onCookie(Iperf3Stream stream);

        /** May a sending stream begin another block? (the test's -n / -k limit, iperf_api.c iperf_send). */
        boolean claimBlock(int length);

        byte[] scratch();
    }

    final TcpSocket socket;
    private final SocketReactor reactor;
    private final Owner owner;
    private final byte[] cookie = new byte[Iperf3Protocol.COOKIE_SIZE];
    private int cookieHave;
    private boolean running;
    private boolean closed;
    /** The connection ended early (FIN or error); the test goes on with the others, as in iperf3. */
    private boolean ended;

    // Set when the test admits the stream.
    int id;
    boolean sender;
    private byte[] block;
    private int blockOff;

    // Counters (iperf_stream_result); times are System.nanoTime().
    long bytesReceived;
    long bytesSent;
    long bytesSentOmit;
    long startNanos;
    long endNanos;
    private long retransBase;
    long retransmits = -1;

    Iperf3Stream(TcpSocket socket, SocketReactor reactor, Owner owner) {
        this.socket = socket;
        this.reactor = reactor;
        this.owner = owner;
    }

    void watch() {
        reactor.watch(socket, this::onReady);
    }

    byte[] cookie() {
        return cookie;
    }

    /** Called by the test when it admits this stream; {@code block} is the sender's reused buffer. */
    void admit(int id, boolean sender, byte[] block) {
        this.id = id;
        this.sender = sender;
        this.block = block;
    }

    /** TEST_RUNNING: counting begins, senders start writing. */
    void start(long now) {
        running = true;
        startNanos = now;
        retransBase = totalRetrans();
        reactor.wake(socket);
    }

    /** The omitted seconds are over (iperf_api.c iperf_reset_stats): count from here. */
    void resetCounters(long now) {
        bytesSentOmit = bytesSent;
        bytesReceived = 0;
        startNanos = now;
        retransBase = totalRetrans();
    }

    /**
     * TEST_END: what already arrived is counted (upstream only counts what it happened to read
     * before the message; reading the rest makes the receiver's total match the sender's when
     * nothing is still in flight), then the connection is closed; a sender's queued bytes still
     * go out before its FIN, as after close(2).
     */
    void end(long now) {
        if (running && !sender && !closed && !ended) {
            receive();
        }
        running = false;
        endNanos = now;
        if (sender) {
            long total = totalRetrans();
            retransmits = total < 0 || retransBase < 0 ? 0 : total - retransBase;
        }
        close();
    }

    void close() {
        if (!closed) {
            closed = true;
            reactor.unwatch(socket);
            socket.close();
        }
    }

    boolean isClosed() {
        return closed;
    }

    private long totalRetrans() {
        TcpInfo info = socket.info();
        return info == null ? -1 : info.totalRetrans();
    }

    private void onReady(StackSocket s, int events) {
        if (closed) {
            return;
        }
        if (cookieHave < cookie.length) {
            readCookie();
        } else if (running && !ended) {
            if (sender) {
                send();
            } else {
                receive();
            }
        }
    }

    private void readCookie() {
        while (cookieHave < cookie.length) {
            int r = socket.read(cookie, cookieHave, cookie.length - cookieHave);
            if (r == -Errno.EAGAIN) {
                return;
            }
            if (r <= 0) {
                close(); // the test's setup timer notices the stream never came
                return;
            }
            cookieHave += r;
        }
        owner.onCookie(this);
    }

    private void receive() {
        byte[] b = owner.scratch();
        while (true) {
            int r = socket.read(b, 0, b.length);
            if (r > 0) {
                bytesReceived += r;
            } else {
                if (r != -Errno.EAGAIN) {
                    ended = true;
                    reactor.unwatch(socket);
                }
                return;
            }
        }
    }

    private void send() {
        while (true) {
            if (blockOff == 0 && !owner.claimBlock(block.length)) {
                return;
            }
            int w = socket.write(block, blockOff, block.length - blockOff);
            if (w == -Errno.EAGAIN) {
                return;
            }
            if (w < 0) {
                ended = true;
                reactor.unwatch(socket);
                return;
            }
            bytesSent += w;
            blockOff += w;
            if (blockOff == block.length) {
                blockOff = 0;
            }
        }
    }

    /** Bytes this stream reports: sent after the omitted seconds, or received (send_results). */
    long reportedBytes() {
        return sender ? bytesSent - bytesSentOmit : bytesReceived;
    }

    double seconds() {
        return Math.max(0, endNanos - startNanos) / 1e9;
    }
}
