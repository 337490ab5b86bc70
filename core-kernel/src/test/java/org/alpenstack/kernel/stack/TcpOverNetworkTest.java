package org.alpenstack.kernel.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.VirtualSwitch;
import org.alpenstack.kernel.sim.Simulation;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.Readiness;
import org.alpenstack.kernel.socket.StackSocket;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.tcp.TcpState;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.time.Pollable;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * TCP end to end between two whole stacks (Ethernet, IPv4, TCP) on a virtual switch whose ports
 * lose, reorder and duplicate frames, on the manual clock: what the issue demands of the engine,
 * checked byte for byte with SHA-256.
 */
class TcpOverNetworkTest {
    private static final int A = Ipv4Address.parse("10.0.0.1");
    private static final int B = Ipv4Address.parse("10.0.0.2");
    private static final MacAddress MAC_A = new MacAddress(0x02_00_00_00_00_01L);
    private static final MacAddress MAC_B = new MacAddress(0x02_00_00_00_00_02L);

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final BufferPool pool = new BufferPool();
    private final Simulation sim = new Simulation(clock);
    private final NetStack a = new NetStack("a", pool, clock);
    private final NetStack b = new NetStack("b", pool, clock);
    private final FaultInjector faultsA;
    private final FaultInjector faultsB;
    private final App app = new App();

    TcpOverNetworkTest() {
        VirtualSwitch sw = new VirtualSwitch("sw");
        faultsA = new FaultInjector(sw.newPort("a", 1500), clock, pool, 11);
        faultsB = new FaultInjector(sw.newPort("b", 1500), clock, pool, 22);
        a.addInterface("eth0", faultsA, MAC_A);
        b.addInterface("eth0", faultsB, MAC_B);
        assertEquals(0, a.addAddress("eth0", A, 24));
        assertEquals(0, b.addAddress("eth0", B, 24));
        // static neighbours: this test is about TCP, ARP under loss has its own tests
        assertEquals(0, a.addStaticNeighbor("eth0", B, MAC_B));
        assertEquals(0, b.addStaticNeighbor("eth0", A, MAC_A));
        sim.add(a);
        sim.add(b);
        sim.add(sw);
        sim.add(faultsA);
        sim.add(faultsB);
        sim.add(app);
    }

    private void badNetwork() {
        for (FaultInjector f : new FaultInjector[] {faultsA, faultsB}) {
            f.transmit().lossRate(0.05).reorderRate(0.05).duplicateRate(0.01).delayNanos(Clock.millis(1));
        }
    }

    /** The applications: woken by readiness changes, they run in the simulation like any pollable. */
    final class App implements Pollable {
        final ArrayDeque<Runnable> work = new ArrayDeque<>();
        final Map<StackSocket, Runnable> handlers = new HashMap<>();
        Runnable always = () -> { };

        void watch(TcpSocket s, Runnable handler) {
            handlers.put(s, handler);
            s.setListener((sock, events) -> work.add(handlers.get(sock)));
            work.add(handler);
        }

        @Override
        public void poll(long now) {
            always.run();
            Runnable r;
            int guard = 0;
            while ((r = work.poll()) != null && guard++ < 1_000_000) {
                r.run();
            }
        }

        @Override
        public long nextDeadline() {
            return work.isEmpty() ? Clock.NEVER : clock.nanos();
        }
    }

    /** One direction of a stream of seeded pseudo-random bytes, hashed on both ends. */
    static java.util.function.Supplier<String> debug = () -> "";

    static final class Flow {
        final long total;
        final Random gen;
        final MessageDigest sent = sha();
        final MessageDigest received = sha();
        final byte[] chunk = new byte[16384];
        int chunkOff = chunk.length;
        long written;
        long read;
        boolean finSent;
        boolean eof;

        Flow(long total, long seed) {
            this.total = total;
            this.gen = new Random(seed);
        }

        void writeTo(TcpSocket s) {
            while (written < total) {
                if (chunkOff == chunk.length) {
                    gen.nextBytes(chunk);
                    chunkOff = 0;
                }
                int w = s.write(chunk, chunkOff, (int) Math.min(chunk.length - chunkOff, total - written));
                if (w == -Errno.EAGAIN) {
                    return;
                }
                assertTrue(w > 0, "write: " + Errno.name(w) + " " + debug.get());
                sent.update(chunk, chunkOff, w);
                chunkOff += w;
                written += w;
            }
            if (!finSent) {
                finSent = true;
                assertEquals(0, s.shutdown(TcpSocket.SHUT_WR));
            }
        }

        void readFrom(TcpSocket s, byte[] buf) {
            while (!eof) {
                int n = s.read(buf, 0, buf.length);
                if (n == -Errno.EAGAIN) {
                    return;
                }
                if (n == 0) {
                    eof = true;
                    return;
                }
                assertTrue(n > 0, "read: " + Errno.name(n));
                received.update(buf, 0, n);
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

    @ParameterizedTest
    @ValueSource(strings = {"newreno", "cubic"})
    void sixtyFourMebibytesEachWayOverALossyReorderingDuplicatingSwitch(String cc) {
        badNetwork();
        debug = () -> a.tcp().debugDump() + b.tcp().debugDump() + a.tcp().counters() + "\n" + b.tcp().counters()
                + "\n" + a.counters() + "\n" + b.counters() + "\n" + faultsA.transmitCounters() + " " + faultsB.transmitCounters();
        long size = 64L << 20;
        a.tcp().tunables().setCongestionControl(cc);
        b.tcp().tunables().setCongestionControl(cc);
        TcpSocket listener = b.openTcp();
        assertEquals(0, listener.bind(new InetEndpoint(0, 5001)));
        assertEquals(0, listener.listen(16));
        TcpSocket client = a.openTcp();
        assertEquals(-Errno.EINPROGRESS, client.connect(new InetEndpoint(B, 5001)));
        Flow up = new Flow(size, 1);
        Flow down = new Flow(size, 2);
        byte[] bufA = new byte[65536];
        byte[] bufB = new byte[65536];
        TcpSocket[] server = new TcpSocket[1];
        app.watch(client, () -> {
            if (client.state() == TcpState.SYN_SENT) {
                return;
            }
            up.writeTo(client);
            down.readFrom(client, bufA);
        });
        app.watch(listener, () -> {
            TcpSocket s = listener.accept();
            if (s != null) {
                server[0] = s;
                app.watch(s, () -> {
                    down.writeTo(s);
                    up.readFrom(s, bufB);
                });
            }
        });
        boolean done = sim.runUntil(() -> up.eof && down.eof, Clock.seconds(3600));
        assertTrue(done, "unfinished: up " + up.read + " down " + down.read + " " + a.tcp().counters() + " " + b.tcp().counters());
        assertEquals(size, up.read);
        assertEquals(size, down.read);
        assertArrayEquals(up.sent.digest(), up.received.digest());
        assertArrayEquals(down.sent.digest(), down.received.digest());
        assertTrue(faultsA.transmitCounters().toString().length() > 0);
        assertTrue(a.tcp().counters().retransmittedSegments > 0, "the network really lost segments");
        assertEquals(cc, client.congestion());
        client.close();
        server[0].close();
        listener.close();
        sim.runUntil(() -> a.tcp().connectionCount() == 0 && b.tcp().connectionCount() == 0, Clock.seconds(300));
        assertEquals(0, a.tcp().connectionCount() + b.tcp().connectionCount());
        assertNull(a.lastInternalError());
        assertNull(b.lastInternalError());
        faultsA.discardPending();
        faultsB.discardPending();
        pool.assertNoLeaks();
    }

    @Test
    void corruptedFramesAreCaughtByChecksumsNeverDelivered() {
        for (FaultInjector f : new FaultInjector[] {faultsA, faultsB}) {
            f.transmit().corruptRate(0.03).lossRate(0.01).delayNanos(Clock.millis(1));
        }
        TcpSocket listener = b.openTcp();
        assertEquals(0, listener.bind(new InetEndpoint(0, 5002)));
        assertEquals(0, listener.listen(4));
        TcpSocket client = a.openTcp();
        assertEquals(-Errno.EINPROGRESS, client.connect(new InetEndpoint(B, 5002)));
        Flow up = new Flow(4 << 20, 8);
        byte[] buf = new byte[65536];
        app.watch(client, () -> {
            if (client.state() != TcpState.SYN_SENT) {
                up.writeTo(client);
            }
        });
        app.watch(listener, () -> {
            TcpSocket s = listener.accept();
            if (s != null) {
                app.watch(s, () -> up.readFrom(s, buf));
            }
        });
        assertTrue(sim.runUntil(() -> up.eof, Clock.seconds(600)), "read " + up.read);
        assertArrayEquals(up.sent.digest(), up.received.digest());
        long caught = b.tcp().counters().drops(DropReason.TCP_BAD_CHECKSUM) + a.tcp().counters().drops(DropReason.TCP_BAD_CHECKSUM);
        assertTrue(caught > 0, "corruption reached TCP and was dropped: " + caught);
    }

    @Test
    void connectWithoutARouteFailsAtOnce() {
        TcpSocket s = a.openTcp();
        assertEquals(-Errno.ENETUNREACH, s.connect(new InetEndpoint(Ipv4Address.parse("192.168.99.1"), 80)));
    }

    @Test
    void connectToAnOnLinkAddressNobodyAnswersReportsHostUnreachable() {
        TcpSocket s = a.openTcp();
        assertEquals(-Errno.EINPROGRESS, s.connect(new InetEndpoint(Ipv4Address.parse("10.0.0.99"), 80)));
        long start = clock.nanos();
        assertTrue(sim.runUntil(() -> s.state() == TcpState.CLOSED, Clock.seconds(200)));
        // Linux: ARP gives up after its probes (about 3 s) and connect() fails right then
        assertTrue(clock.nanos() - start < Clock.seconds(10), "took " + (clock.nanos() - start) / 1_000_000 + " ms");
        int err = s.getOption(TcpSocket.SOL_SOCKET, TcpSocket.SO_ERROR);
        assertEquals(Errno.EHOSTUNREACH, err, "got " + Errno.name(err));
    }

    @Test
    void loopbackConnectionsWithinOneStack() {
        TcpSocket listener = a.openTcp();
        assertEquals(0, listener.bind(new InetEndpoint(0, 7)));
        assertEquals(0, listener.listen(4));
        TcpSocket client = a.openTcp();
        assertEquals(-Errno.EINPROGRESS, client.connect(new InetEndpoint(Ipv4Address.LOOPBACK, 7)));
        Flow up = new Flow(1 << 20, 5);
        byte[] buf = new byte[65536];
        TcpSocket[] server = new TcpSocket[1];
        app.watch(client, () -> {
            if (client.state() != TcpState.SYN_SENT) {
                up.writeTo(client);
            }
        });
        app.watch(listener, () -> {
            TcpSocket s = listener.accept();
            if (s != null) {
                server[0] = s;
                app.watch(s, () -> up.readFrom(s, buf));
            }
        });
        assertTrue(sim.runUntil(() -> up.eof, Clock.seconds(60)), "read " + up.read + "\n" + a.tcp().debugDump() + a.tcp().counters() + " " + client.readiness() + " " + a.counters());
        assertArrayEquals(up.sent.digest(), up.received.digest());
        assertEquals(new InetEndpoint(Ipv4Address.LOOPBACK, 7), client.remoteEndpoint());
        assertEquals(Ipv4Address.LOOPBACK, server[0].remoteEndpoint().address());
        assertNull(a.lastInternalError());
    }

    @Test
    void aThousandConcurrentConnectionsEachMoveSixtyFourKibibytes() {
        int n = 1000;
        int size = 64 << 10;
        for (FaultInjector f : new FaultInjector[] {faultsA, faultsB}) {
            f.transmit().lossRate(0.01).reorderRate(0.01).delayNanos(Clock.millis(1));
        }
        TcpSocket listener = b.openTcp();
        assertEquals(0, listener.bind(new InetEndpoint(0, 80)));
        assertEquals(0, listener.listen(n));
        Map<Integer, Flow> byPort = new HashMap<>();
        List<Flow> finished = new ArrayList<>();
        byte[] buf = new byte[65536];
        for (int i = 0; i < n; i++) {
            TcpSocket c = a.openTcp();
            assertEquals(-Errno.EINPROGRESS, c.connect(new InetEndpoint(B, 80)));
            int port = c.localEndpoint().port();
            Flow f = new Flow(size, port);
            byPort.put(port, f);
            app.watch(c, () -> {
                if (c.state() != TcpState.SYN_SENT) {
                    f.writeTo(c);
                }
            });
        }
        app.watch(listener, () -> {
            TcpSocket s;
            while ((s = listener.accept()) != null) {
                TcpSocket acc = s;
                Flow f = byPort.get(acc.remoteEndpoint().port());
                app.watch(acc, () -> {
                    boolean wasEof = f.eof;
                    f.readFrom(acc, buf);
                    if (f.eof && !wasEof) {
                        finished.add(f);
                        acc.close();
                    }
                });
            }
        });
        assertTrue(sim.runUntil(() -> finished.size() == n, Clock.seconds(600)), finished.size() + " of " + n);
        for (Flow f : byPort.values()) {
            assertEquals(size, f.read);
            assertArrayEquals(f.sent.digest(), f.received.digest());
        }
        assertNull(a.lastInternalError());
        assertNull(b.lastInternalError());
        assertTrue((listener.readiness() & Readiness.POLLIN) == 0);
    }
}
