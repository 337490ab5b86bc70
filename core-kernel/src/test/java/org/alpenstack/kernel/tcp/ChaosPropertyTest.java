package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;

/**
 * Applications doing arbitrary things at arbitrary times on both ends of lossy connections:
 * nothing throws, every call answers a value or an errno Linux would give, and once everybody
 * has closed, every connection ends (TIME-WAIT included) without a leaked buffer.
 */
class ChaosPropertyTest {
    private static final Set<Integer> READ_ERRORS = Set.of(-Errno.EAGAIN, -Errno.ECONNRESET, -Errno.EPIPE,
            -Errno.ETIMEDOUT, -Errno.ENOTCONN, -Errno.ECONNREFUSED, -Errno.EHOSTUNREACH);
    private static final Set<Integer> WRITE_ERRORS = Set.of(-Errno.EAGAIN, -Errno.EPIPE, -Errno.ECONNRESET,
            -Errno.ETIMEDOUT, -Errno.ECONNREFUSED, -Errno.EHOSTUNREACH, -Errno.ENOBUFS);

    @Property(tries = 60)
    void nothingEscapesAndEverythingEnds(@ForAll long seed) {
        Random rnd = new Random(seed);
        LossyPath p = new LossyPath(seed, new TcpTunables());
        p.loss = rnd.nextDouble() * 0.1;
        p.reorder = rnd.nextDouble() * 0.1;
        p.duplicate = rnd.nextDouble() * 0.02;
        TcpSocket l = p.b.tcp.openSocket();
        assertEquals(0, l.bind(new InetEndpoint(0, 9)));
        assertEquals(0, l.listen(8));
        List<TcpSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TcpSocket c = p.a.tcp.openSocket();
            assertEquals(-Errno.EINPROGRESS, c.connect(new InetEndpoint(LossyPath.B_ADDR, 9)));
            sockets.add(c);
        }
        byte[] buf = new byte[20_000];
        long[] steps = {0};
        // a tick every millisecond, so the applications keep acting even when the network is idle
        org.alpenstack.kernel.time.Timer[] tick = new org.alpenstack.kernel.time.Timer[1];
        tick[0] = new org.alpenstack.kernel.time.Timer(now -> {
            if (steps[0] <= 3000) {
                p.a.wheel.schedule(tick[0], now + 1_000_000L);
            }
        });
        p.a.wheel.schedule(tick[0], p.clock.nanos() + 1_000_000L);
        boolean ran = p.run(() -> {
            TcpSocket a;
            while ((a = l.accept()) != null) {
                sockets.add(a);
            }
            if (steps[0]++ % 3 != 0 || sockets.isEmpty()) {
                return;
            }
            TcpSocket s = sockets.get(rnd.nextInt(sockets.size()));
            if (s.isClosed()) {
                return;
            }
            int r;
            switch (rnd.nextInt(20)) {
                case 0 -> {
                    r = s.shutdown(rnd.nextInt(3));
                    assertTrue(r == 0 || r == -Errno.ENOTCONN, "shutdown " + r);
                }
                case 1 -> {
                    if (rnd.nextBoolean()) {
                        s.setLinger(true, 0);
                    }
                    assertEquals(0, s.close());
                }
                case 2 -> s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_NODELAY, rnd.nextInt(2));
                case 3 -> s.setOption(TcpSocket.SOL_TCP, TcpSocket.TCP_CORK, rnd.nextInt(2));
                case 4 -> s.setOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_RCVBUF, rnd.nextInt(100_000));
                case 5 -> s.getOption(TcpSocket.SOL_TCP, TcpSocket.TCP_INFO, new byte[300], 0, 300);
                case 6, 7, 8, 9, 10, 11 -> {
                    r = s.write(buf, 0, 1 + rnd.nextInt(buf.length));
                    assertTrue(r > 0 || WRITE_ERRORS.contains(r), "write " + Errno.name(r));
                }
                default -> {
                    r = s.read(buf, 0, 1 + rnd.nextInt(buf.length));
                    assertTrue(r >= 0 || READ_ERRORS.contains(r), "read " + Errno.name(r));
                }
            }
            s.readiness();
        }, () -> steps[0] > 3000, 120_000_000_000L);
        assertTrue(ran, "the applications acted 3000 times");
        for (TcpSocket s : sockets) {
            if (!s.isClosed()) {
                assertEquals(0, s.close());
            }
        }
        l.close();
        // FIN-WAIT, LAST-ACK, TIME-WAIT, retransmission limits: all of it ends within minutes
        p.run(() -> { }, () -> p.a.tcp.connectionCount() + p.b.tcp.connectionCount() == 0, 3_600_000_000_000L);
        assertEquals(0, p.a.tcp.connectionCount() + p.b.tcp.connectionCount(), p.a.tcp.debugDump() + p.b.tcp.debugDump());
        p.a.pool.assertNoLeaks();
        p.b.pool.assertNoLeaks();
    }
}
