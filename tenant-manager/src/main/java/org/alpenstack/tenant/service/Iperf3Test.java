package org.alpenstack.tenant.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.tcp.TcpSocket;

/**
 * One iperf3 test from PARAM_EXCHANGE to the results: its cookie, its parameters and its data
 * streams, which it admits in the order their cookies arrive, receiving streams first like
 * upstream's iperf_run_server, numbered 1, 3, 4, 5 ... like iperf_api.c iperf_add_stream (the
 * client numbers its streams the same way and matches the results by number).
 */
final class Iperf3Test {
    final byte[] cookie;
    final Iperf3Params params;
    final List<Iperf3Stream> streams = new ArrayList<>();
    /**
     * What every sending stream writes: random like upstream's, or its repeating digits
     * (iperf_api.c iperf_new_stream, iperf_util.c fill_with_repeating_pattern).
     */
    private byte[] block;
    /** Blocks begun since the start (or the end of the omitted seconds): the -n / -k limit. */
    private long blocksClaimed;
    private long bytesClaimed;

    Iperf3Test(byte[] cookie, Iperf3Params params) {
        this.cookie = cookie.clone();
        this.params = params;
    }

    int expectedStreams() {
        return params.receiveStreams() + params.sendStreams();
    }

    boolean complete() {
        return streams.size() == expectedStreams();
    }

    boolean matches(byte[] c) {
        return Arrays.equals(cookie, c);
    }

    /**
     * Takes {@code s} as the test's next stream and sets its socket options; 0, or the
     * i_errno to report with the errno in {@code errno[0]} when an option cannot be set.
     */
    int admit(Iperf3Stream s, int[] errno) {
        int n = streams.size();
        boolean sender = n >= params.receiveStreams();
        if (sender && block == null) {
            block = new byte[params.blockSize()];
            if (params.repeatingPayload()) {
                for (int i = 0; i < block.length; i++) {
                    block[i] = (byte) ('0' + i % 10);
                }
            } else {
                ThreadLocalRandom.current().nextBytes(block);
            }
        }
        s.admit(n == 0 ? 1 : n + 2, sender, block);
        streams.add(s);
        TcpSocket t = s.socket;
        if (params.window() > 0) {
            int r = t.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_SNDBUF, params.window());
            if (r == 0) {
                r = t.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_RCVBUF, params.window());
            }
            if (r < 0) {
                errno[0] = -r;
                return Iperf3Protocol.IESETBUF;
            }
        }
        t.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, params.noDelay() ? 1 : 0);
        if (params.congestion() != null) {
            // An unknown algorithm is only a warning on an upstream server (ENOENT in iperf_run_server).
            int r = t.setCongestion(params.congestion());
            if (r < 0 && r != -Errno.ENOENT) {
                errno[0] = -r;
                return Iperf3Protocol.IEUNIMP;
            }
        }
        return 0;
    }

    void start(long now) {
        blocksClaimed = 0;
        bytesClaimed = 0;
        for (Iperf3Stream s : streams) {
            s.start(now);
        }
    }

    /** The omitted seconds are over: counters and limits start again (iperf_reset_stats). */
    void omitOver(long now) {
        blocksClaimed = 0;
        bytesClaimed = 0;
        for (Iperf3Stream s : streams) {
            s.resetCounters(now);
        }
    }

    /**
     * A sending stream asks to begin a block. Upstream stops once it has sent at least -n bytes
     * or -k blocks; claiming whole blocks up front makes that exact across parallel streams:
     * the total is the limit rounded up to whole blocks.
     */
    boolean claimBlock(int length) {
        if ((params.bytes() != 0 && bytesClaimed >= params.bytes()) || (params.blocks() != 0 && blocksClaimed >= params.blocks())) {
            return false;
        }
        blocksClaimed++;
        bytesClaimed += length;
        return true;
    }

    /** TEST_END: every stream counts what arrived and closes. */
    void end(long now) {
        for (Iperf3Stream s : streams) {
            s.end(now);
        }
    }

    /** Closes every stream (an aborted test). */
    void close() {
        for (Iperf3Stream s : streams) {
            s.close();
        }
    }

    String congestion() {
        return streams.isEmpty() ? null : streams.get(0).socket.congestion();
    }
}
