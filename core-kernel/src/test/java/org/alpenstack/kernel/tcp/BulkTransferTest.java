package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * End-to-end guarantees of the engine over a bad path: every byte arrives exactly once and in
 * order (SHA-256 of what was written equals SHA-256 of what was read), with 5% loss, 5%
 * reordering and 1% duplication, for both congestion controls; and many connections at once.
 */
class BulkTransferTest {

    /** One direction of a stream: writes a seeded pseudo-random byte stream, or reads and hashes it. */
    static final class Stream {
        final TcpSocket socket;
        final long total;
        final Random gen;
        final MessageDigest sent = sha();
        final MessageDigest received = sha();
        final byte[] chunk = new byte[16384];
        int chunkOff = chunk.length;
        long written;
        long read;
        boolean eof;
        boolean finSent;
        final byte[] readBuf = new byte[65536];
        /** What to print when an assertion fails inside the simulation. */
        static java.util.function.Supplier<String> debug = () -> "";

        Stream(TcpSocket socket, long total, long seed) {
            this.socket = socket;
            this.total = total;
            this.gen = new Random(seed);
        }

        void write() {
            while (written < total) {
                if (chunkOff == chunk.length) {
                    gen.nextBytes(chunk);
                    chunkOff = 0;
                }
                int n = (int) Math.min(chunk.length - chunkOff, total - written);
                int w = socket.write(chunk, chunkOff, n);
                if (w == -Errno.EAGAIN) {
                    return;
                }
                assertTrue(w > 0, "write failed: " + Errno.name(w) + " " + debug.get());
                sent.update(chunk, chunkOff, w);
                chunkOff += w;
                written += w;
            }
            if (!finSent) {
                finSent = true;
                assertEquals(0, socket.shutdown(TcpSocket.SHUT_WR));
            }
        }

        void read(TcpSocket from) {
            while (!eof) {
                int n = from.read(readBuf, 0, readBuf.length);
                if (n == -Errno.EAGAIN) {
                    return;
                }
                if (n == 0) {
                    eof = true;
                    return;
                }
                assertTrue(n > 0, "read failed: " + Errno.name(n));
                received.update(readBuf, 0, n);
                read += n;
            }
        }

        static MessageDigest sha() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private static LossyPath badPath(long seed, String cc) {
        TcpTunables t = new TcpTunables();
        t.setCongestionControl(cc);
        LossyPath p = new LossyPath(seed, t);
        p.loss = 0.05;
        p.reorder = 0.05;
        p.duplicate = 0.01;
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"newreno", "cubic"})
    void sixtyFourMebibytesEachWayArriveExactlyOverALossyReorderingDuplicatingPath(String cc) {
        long size = 64L << 20;
        LossyPath p = badPath(7, cc);
        p.tracing = Boolean.getBoolean("alpenstack.tcp.trace");
        Stream.debug = () -> p.a.tcp.debugDump() + p.b.tcp.debugDump() + String.join("\n", p.trace);
        TcpSocket listener = p.b.tcp.openSocket();
        assertEquals(0, listener.bind(new InetEndpoint(0, 5001)));
        assertEquals(0, listener.listen(8));
        TcpSocket client = p.a.tcp.openSocket();
        assertEquals(-Errno.EINPROGRESS, client.connect(new InetEndpoint(LossyPath.B_ADDR, 5001)));
        TcpSocket[] server = new TcpSocket[1];
        Stream[] up = new Stream[1];
        Stream[] down = new Stream[1];
        boolean done = p.run(() -> {
            if (server[0] == null) {
                server[0] = listener.accept();
                if (server[0] != null) {
                    up[0] = new Stream(client, size, 11);
                    down[0] = new Stream(server[0], size, 22);
                } else {
                    return;
                }
            }
            up[0].write();
            down[0].write();
            up[0].read(server[0]);
            down[0].read(client);
        }, () -> up[0] != null && up[0].eof && down[0].eof, 3_600_000_000_000L);
        assertTrue(done, "transfer did not finish; " + p.a.tcp.counters() + " / " + p.b.tcp.counters() + "\n" + Stream.debug.get());
        assertEquals(size, up[0].read);
        assertEquals(size, down[0].read);
        assertArrayEquals(up[0].sent.digest(), up[0].received.digest(), "client-to-server stream differs");
        assertArrayEquals(down[0].sent.digest(), down[0].received.digest(), "server-to-client stream differs");
        assertTrue(p.dropped > 1000, "the path really lost segments: " + p.dropped);
        assertTrue(p.a.tcp.counters().retransmittedSegments > 0 && p.b.tcp.counters().retransmittedSegments > 0);
        assertEquals(cc, client.congestion());
        client.close();
        server[0].close();
        listener.close();
        p.run(() -> { }, () -> p.a.tcp.connectionCount() == 0 && p.b.tcp.connectionCount() == 0, 300_000_000_000L);
        assertEquals(0, p.a.tcp.connectionCount() + p.b.tcp.connectionCount());
        p.a.pool.assertNoLeaks();
        p.b.pool.assertNoLeaks();
    }

    @Test
    void theReceiveBufferGrowsWithTheDrainRateUnlessSoRcvbufFixesIt() {
        for (boolean fixed : new boolean[] {false, true}) {
            LossyPath p = new LossyPath(9, new TcpTunables());
            p.delayNanos = 5_000_000L;
            TcpSocket l = p.b.tcp.openSocket();
            assertEquals(0, l.bind(new InetEndpoint(0, 5001)));
            if (fixed) {
                assertEquals(0, l.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_RCVBUF, 65536));
            }
            assertEquals(0, l.listen(1));
            TcpSocket c = p.a.tcp.openSocket();
            c.connect(new InetEndpoint(LossyPath.B_ADDR, 5001));
            long size = 16L << 20;
            Stream[] up = new Stream[1];
            TcpSocket[] s = new TcpSocket[1];
            long start = p.clock.nanos();
            assertTrue(p.run(() -> {
                if (s[0] == null && (s[0] = l.accept()) == null) {
                    return;
                }
                if (up[0] == null) {
                    up[0] = new Stream(c, size, 4);
                }
                up[0].write();
                up[0].read(s[0]);
            }, () -> up[0] != null && up[0].eof, 3_600_000_000_000L));
            assertArrayEquals(up[0].sent.digest(), up[0].received.digest());
            int rcvbuf = s[0].getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_RCVBUF);
            long millis = (p.clock.nanos() - start) / 1_000_000L;
            if (fixed) {
                assertEquals(131072, rcvbuf, "SO_RCVBUF (doubled) locks the size");
                // 128 KiB per 10 ms round trip: 16 MiB needs over a second
                assertTrue(millis > 1200, "took " + millis + " ms");
            } else {
                assertTrue(rcvbuf > 1 << 20, "grew to " + rcvbuf);
                assertTrue(millis < 1000, "took " + millis + " ms");
            }
        }
    }

    @Test
    void requestResponseSuffersNoNagleDelayedAckStalls() {
        LossyPath p = new LossyPath(21, new TcpTunables());
        TcpSocket l = p.b.tcp.openSocket();
        assertEquals(0, l.bind(new InetEndpoint(0, 80)));
        assertEquals(0, l.listen(1));
        TcpSocket c = p.a.tcp.openSocket();
        c.connect(new InetEndpoint(LossyPath.B_ADDR, 80));
        TcpSocket[] s = new TcpSocket[1];
        int rounds = 1000;
        int[] state = new int[3]; // round, bytes of reply received by the client, bytes of request received by the server
        byte[] buf = new byte[4096];
        boolean[] sent = new boolean[2];
        long start = p.clock.nanos();
        assertTrue(p.run(() -> {
            if (s[0] == null && (s[0] = l.accept()) == null) {
                return;
            }
            // the applications answer at once: a round's end starts the next one in the same instant
            for (boolean progress = true; progress && state[0] < rounds; ) {
                progress = false;
                if (!sent[0]) {
                    assertEquals(100, c.write(new byte[100], 0, 100));
                    sent[0] = true;
                    progress = true;
                }
                int n;
                while ((n = s[0].read(buf, 0, buf.length)) > 0) {
                    state[2] += n;
                    progress = true;
                }
                if (state[2] == 100 && !sent[1]) {
                    assertEquals(2000, s[0].write(new byte[2000], 0, 2000));
                    sent[1] = true;
                    progress = true;
                }
                while ((n = c.read(buf, 0, buf.length)) > 0) {
                    state[1] += n;
                    progress = true;
                }
                if (state[1] == 2000) {
                    state[0]++;
                    state[1] = 0;
                    state[2] = 0;
                    sent[0] = false;
                    sent[1] = false;
                }
            }
        }, () -> state[0] == rounds, 600_000_000_000L));
        long millis = (p.clock.nanos() - start) / 1_000_000L;
        // one round trip (2 ms) per exchange; a Nagle/delayed-ACK stall would add 40 ms each time
        assertTrue(millis < rounds * 3L, rounds + " exchanges took " + millis + " ms");
    }

    @Test
    void aThousandConcurrentConnectionsEachMoveSixtyFourKibibytes() {
        int n = 1000;
        int size = 64 << 10;
        TcpTunables t = new TcpTunables();
        LossyPath p = new LossyPath(3, t);
        p.loss = 0.01;
        p.reorder = 0.01;
        TcpSocket listener = p.b.tcp.openSocket();
        assertEquals(0, listener.bind(new InetEndpoint(0, 80)));
        assertEquals(0, listener.listen(n));
        List<Stream> writers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TcpSocket c = p.a.tcp.openSocket();
            assertEquals(-Errno.EINPROGRESS, c.connect(new InetEndpoint(LossyPath.B_ADDR, 80)));
            writers.add(new Stream(c, size, 1000 + c.localEndpoint().port()));
        }
        List<Stream> readers = new ArrayList<>();
        ArrayDeque<Stream> dirty = new ArrayDeque<>(writers);
        int[] finished = new int[1];
        boolean done = p.run(() -> {
            TcpSocket s;
            while ((s = listener.accept()) != null) {
                // the reader checks against the writer's seed, derived from the client port
                Stream r = new Stream(s, size, 1000 + s.remoteEndpoint().port());
                readers.add(r);
                dirty.add(r);
                Stream rr = r;
                s.setListener((sock, ev) -> dirty.add(rr));
            }
            for (Stream w : writers) {
                if (w.socket.state() == TcpState.ESTABLISHED && !w.finSent) {
                    w.write();
                }
            }
            Stream r;
            while ((r = dirty.poll()) != null) {
                if (!writers.contains(r) && !r.eof) {
                    r.read(r.socket);
                    if (r.eof) {
                        finished[0]++;
                    }
                }
            }
        }, () -> finished[0] == n, 600_000_000_000L);
        assertTrue(done, "only " + finished[0] + " of " + n + " finished");
        for (Stream r : readers) {
            assertEquals(size, r.read);
            Stream expect = new Stream(null, size, 1000 + r.socket.remoteEndpoint().port());
            byte[] all = new byte[size];
            expect.gen.nextBytes(all);
            assertArrayEquals(Stream.sha().digest(all), r.received.digest());
        }
        assertNotNull(listener);
    }
}
