package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;

/**
 * Whatever the path does (loss, reordering, duplication at random rates), whichever options are
 * negotiated and whatever sizes the applications read and write in, both byte streams arrive
 * exactly, both sides see the end of stream, and both connections close without leaking.
 */
class RandomPathPropertyTest {

    @Property(tries = 40)
    void everyByteArrivesOnceInOrder(@ForAll long seed,
                                     @ForAll @DoubleRange(min = 0, max = 0.2) double loss,
                                     @ForAll @DoubleRange(min = 0, max = 0.2) double reorder,
                                     @ForAll @DoubleRange(min = 0, max = 0.05) double duplicate,
                                     @ForAll boolean sack, @ForAll boolean timestamps, @ForAll boolean windowScaling,
                                     @ForAll boolean cubic) throws Exception {
        Random rnd = new Random(seed);
        TcpTunables t = new TcpTunables();
        t.set("sack", sack);
        t.set("timestamps", timestamps);
        t.set("windowScaling", windowScaling);
        t.setCongestionControl(cubic ? "cubic" : "newreno");
        LossyPath p = new LossyPath(seed, t);
        p.loss = loss;
        p.reorder = reorder;
        p.duplicate = duplicate;
        p.delayNanos = 1_000_000L * (1 + rnd.nextInt(20));
        TcpSocket l = p.b.tcp.openSocket();
        assertEquals(0, l.bind(new InetEndpoint(0, 7)));
        assertEquals(0, l.listen(1));
        TcpSocket c = p.a.tcp.openSocket();
        if (rnd.nextBoolean()) {
            c.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, 1);
        }
        assertEquals(-Errno.EINPROGRESS, c.connect(new InetEndpoint(LossyPath.B_ADDR, 7)));
        int upSize = rnd.nextInt(600_000);
        int downSize = rnd.nextInt(600_000);
        byte[] up = new byte[upSize];
        byte[] down = new byte[downSize];
        rnd.nextBytes(up);
        rnd.nextBytes(down);
        Side client = new Side(c, up, downSize, rnd);
        Side[] server = new Side[1];
        boolean done = p.run(() -> {
            if (server[0] == null) {
                TcpSocket s = l.accept();
                if (s == null) {
                    return;
                }
                server[0] = new Side(s, down, upSize, rnd);
            }
            if (c.state() == TcpState.SYN_SENT) {
                return;
            }
            client.step();
            server[0].step();
        }, () -> server[0] != null && client.finished() && server[0].finished(), 7_200_000_000_000L);
        assertTrue(done, "stalled: client read " + client.read + "/" + downSize + ", server read "
                + (server[0] == null ? -1 : server[0].read) + "/" + upSize + "\n" + p.a.tcp.debugDump() + p.b.tcp.debugDump());
        assertArrayEquals(sha(down), client.peerDigest(), "server-to-client stream");
        assertArrayEquals(sha(up), server[0].peerDigest(), "client-to-server stream");
        c.close();
        server[0].socket.close();
        l.close();
        p.run(() -> { }, () -> p.a.tcp.connectionCount() + p.b.tcp.connectionCount() == 0, 600_000_000_000L);
        assertEquals(0, p.a.tcp.connectionCount() + p.b.tcp.connectionCount(), p.a.tcp.debugDump() + p.b.tcp.debugDump());
        p.a.pool.assertNoLeaks();
        p.b.pool.assertNoLeaks();
    }

    /** One application: writes its bytes in random pieces, reads in random pieces, half-closes when done. */
    static final class Side {
        final TcpSocket socket;
        final byte[] out;
        final int expect;
        final Random rnd;
        final MessageDigest got = BulkTransferTest.Stream.sha();
        int written;
        int read;
        boolean eof;
        boolean shut;
        private byte[] peerDigest;

        Side(TcpSocket socket, byte[] out, int expect, Random rnd) {
            this.socket = socket;
            this.out = out;
            this.expect = expect;
            this.rnd = rnd;
        }

        void step() {
            while (written < out.length) {
                int n = socket.write(out, written, Math.min(out.length - written, 1 + rnd.nextInt(40_000)));
                if (n == -Errno.EAGAIN) {
                    break;
                }
                assertTrue(n > 0, "write " + Errno.name(n));
                written += n;
            }
            if (written == out.length && !shut) {
                shut = true;
                assertEquals(0, socket.shutdown(TcpSocket.SHUT_WR));
            }
            // random read sizes, but always until EAGAIN: an application woken for readable data reads it
            byte[] buf = new byte[1 + rnd.nextInt(70_000)];
            while (!eof) {
                int n = socket.read(buf, 0, buf.length);
                if (n == -Errno.EAGAIN) {
                    break;
                }
                if (n == 0) {
                    eof = true;
                    break;
                }
                assertTrue(n > 0, "read " + Errno.name(n));
                got.update(buf, 0, n);
                read += n;
            }
        }

        boolean finished() {
            return eof && shut;
        }

        byte[] peerDigest() {
            if (peerDigest == null) {
                peerDigest = got.digest();
            }
            assertEquals(expect, read);
            return peerDigest;
        }
    }

    static byte[] sha(byte[] b) {
        return BulkTransferTest.Stream.sha().digest(b);
    }
}
