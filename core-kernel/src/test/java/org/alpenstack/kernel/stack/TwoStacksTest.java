package org.alpenstack.kernel.stack;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.icmp.IcmpSocket;
import org.alpenstack.kernel.ip.NeighborState;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.PcapTap;
import org.alpenstack.kernel.link.PcapWriter;
import org.alpenstack.kernel.link.SwitchPort;
import org.alpenstack.kernel.link.VirtualSwitch;
import org.alpenstack.kernel.sim.Simulation;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.RecvMeta;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stacks on an in-memory switch, on a manual clock: A (10.0.0.1) sits behind a fault
 * injector and a pcap tap, B (10.0.0.2) directly on the switch.
 */
class TwoStacksTest {
    static final int A = parse("10.0.0.1");
    static final int B = parse("10.0.0.2");

    ManualClock clock = new ManualClock();
    BufferPool pool = new BufferPool();
    Simulation sim = new Simulation(clock);
    VirtualSwitch sw = new VirtualSwitch("sw0");
    ByteArrayOutputStream pcapBytes = new ByteArrayOutputStream();
    PcapWriter pcap = new PcapWriter(pcapBytes);
    FaultInjector faults;
    ShufflingLink shuffler;
    NetStack a;
    NetStack b;
    RecvMeta meta = new RecvMeta();
    byte[] buf = new byte[70_000];

    @BeforeEach
    void setUp() {
        SwitchPort portA = sw.newPort("a", 1500);
        SwitchPort portB = sw.newPort("b", 1500);
        shuffler = new ShufflingLink(portA);
        faults = new FaultInjector(shuffler, clock, pool, 42);
        PcapTap tap = new PcapTap(faults, pcap, clock);
        a = new NetStack("a", pool, clock);
        b = new NetStack("b", pool, clock);
        a.addInterface("eth0", tap, MacAddress.parse("02:00:00:00:00:0a"));
        b.addInterface("eth0", portB, MacAddress.parse("02:00:00:00:00:0b"));
        assertEquals(0, a.addAddress("eth0", "10.0.0.1/24"));
        assertEquals(0, b.addAddress("eth0", "10.0.0.2/24"));
        sim.add(sw);
        sim.add(faults);
        sim.add(a);
        sim.add(b);
        sim.runFor(Clock.millis(10));
    }

    @AfterEach
    void tearDown() {
        a.shutdown();
        b.shutdown();
        faults.discardPending();
        sw.discardQueued();
        assertEquals(0, a.counters().drops(DropReason.INTERNAL_ERROR), () -> String.valueOf(a.lastInternalError()));
        assertEquals(0, b.counters().drops(DropReason.INTERNAL_ERROR), () -> String.valueOf(b.lastInternalError()));
        pool.assertNoLeaks();
    }

    static byte[] echoRequest(int seq, String data) {
        byte[] d = data.getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[8 + d.length];
        m[0] = 8;
        m[6] = (byte) (seq >> 8);
        m[7] = (byte) seq;
        System.arraycopy(d, 0, m, 8, d.length);
        return m;
    }

    void ping(NetStack from, int to, int seq) {
        IcmpSocket p = from.openPing();
        byte[] req = echoRequest(seq, "alpenstack ping");
        assertEquals(req.length, p.sendTo(req, 0, req.length, 0, new InetEndpoint(to, 0)));
        assertTrue(sim.runUntil(() -> p.queuedDatagrams() > 0, Clock.seconds(2)), "no echo reply");
        int n = p.recvFrom(buf, 0, buf.length, 0, meta);
        assertEquals(req.length, n);
        assertEquals(0, buf[0], "echo reply");
        assertEquals(seq, ((buf[6] & 0xff) << 8) | (buf[7] & 0xff));
        assertEquals(to, meta.sourceAddress);
        assertEquals("alpenstack ping", new String(buf, 8, n - 8, StandardCharsets.US_ASCII));
        p.close();
    }

    @Test
    void arpResolvesAndPingWorksBothWays() {
        ping(a, B, 1);
        assertEquals(NeighborState.REACHABLE, a.neighbors("eth0").state(B));
        assertTrue(b.neighbors("eth0").state(A).isValid(), "B learned A from A's request (RFC 826)");
        ping(b, A, 2);
        ping(a, B, 3);
        assertEquals(2, b.counters().get(StackCounter.ICMP_OUT_ECHO_REPS));
    }

    /** A UDP echo server on B: answers every datagram with the same bytes. */
    UdpSocket echoServer(int port) {
        UdpSocket s = b.openUdp();
        assertEquals(0, s.bind(new InetEndpoint(0, port)));
        s.setListener((sock, events) -> {
            // Readiness callbacks must not re-enter the stack: note and answer after the poll.
        });
        sim.add(new org.alpenstack.kernel.time.Pollable() {
            final byte[] eb = new byte[70_000];
            final RecvMeta m = new RecvMeta();

            @Override
            public void poll(long now) {
                int n;
                while ((n = s.recvFrom(eb, 0, eb.length, 0, m)) >= 0) {
                    s.sendTo(eb, 0, n, 0, new InetEndpoint(m.sourceAddress, m.sourcePort));
                }
            }

            @Override
            public long nextDeadline() {
                return s.queuedDatagrams() > 0 ? clock.nanos() : Clock.NEVER;
            }
        });
        return s;
    }

    @Test
    void udpRoundTrips() {
        echoServer(7);
        UdpSocket c = a.openUdp();
        assertEquals(0, c.connect(new InetEndpoint(B, 7)));
        for (int i = 0; i < 100; i++) {
            byte[] msg = ("message " + i).getBytes(StandardCharsets.US_ASCII);
            assertEquals(msg.length, c.send(msg, 0, msg.length, 0));
            assertTrue(sim.runUntil(() -> c.queuedDatagrams() > 0, Clock.seconds(2)), "no reply to " + i);
            int n = c.recvFrom(buf, 0, buf.length, 0, meta);
            assertArrayEquals(msg, Arrays.copyOf(buf, n));
            assertEquals(B, meta.sourceAddress);
            assertEquals(7, meta.sourcePort);
        }
        assertEquals(100, b.counters().get(StackCounter.UDP_IN_DATAGRAMS));
    }

    @Test
    void requestResponseWithApplicationRetriesCompletesAt20PercentLoss() {
        echoServer(7);
        faults.transmit().lossRate(0.2);
        faults.receive().lossRate(0.2);
        UdpSocket c = a.openUdp();
        assertEquals(0, c.connect(new InetEndpoint(B, 7)));
        int retries = 0;
        for (int i = 0; i < 50; i++) {
            byte[] msg = ("request " + i).getBytes(StandardCharsets.US_ASCII);
            boolean answered = false;
            for (int attempt = 0; attempt < 20 && !answered; attempt++) {
                if (attempt > 0) {
                    retries++;
                }
                int r = c.send(msg, 0, msg.length, 0);
                assertEquals(msg.length, r, () -> "send: " + Errno.name(r));
                sim.runUntil(() -> c.queuedDatagrams() > 0, Clock.millis(300));
                // Drain: a late reply to an earlier attempt is the same answer.
                int n;
                while ((n = c.recvFrom(buf, 0, buf.length, 0, meta)) >= 0) {
                    if (Arrays.equals(msg, Arrays.copyOf(buf, n))) {
                        answered = true;
                    }
                }
            }
            assertTrue(answered, "request " + i + " never answered");
        }
        assertTrue(retries > 0, "20% loss each way must cost some retries");
        assertTrue(faults.transmitCounters().lost() > 0 && faults.receiveCounters().lost() > 0,
                "frames were lost both ways: " + faults.transmitCounters() + " / " + faults.receiveCounters());
    }

    @Test
    void aClosedPortAnswersPortUnreachableAndTheConnectedSocketSaysEconnrefused() {
        UdpSocket c = a.openUdp();
        assertEquals(0, c.connect(new InetEndpoint(B, 9999)));
        assertEquals(4, c.send(new byte[4], 0, 4, 0));
        assertTrue(sim.runUntil(() -> c.pendingError() != 0, Clock.seconds(2)));
        assertEquals(1, b.counters().get(StackCounter.ICMP_OUT_DEST_UNREACHS));
        assertEquals(-Errno.ECONNREFUSED, c.recv(buf, 0, 100, 0));
        assertEquals(-Errno.EAGAIN, c.recv(buf, 0, 100, 0));
    }

    @Test
    void a60000ByteDatagramFragmentedAndShuffledArrivesIntact() {
        UdpSocket server = b.openUdp();
        assertEquals(0, server.bind(new InetEndpoint(B, 9000)));
        UdpSocket c = a.openUdp();
        ping(a, B, 1); // resolve ARP first, so all fragments leave at once
        byte[] data = new byte[60_000];
        new Random(5).nextBytes(data);
        shuffler.hold();
        assertEquals(60_000, c.sendTo(data, 0, data.length, 0, new InetEndpoint(B, 9000)));
        assertEquals(41, shuffler.held(), "60,008 bytes of UDP in 1480-byte fragments");
        shuffler.releaseShuffled(17);
        assertTrue(sim.runUntil(() -> server.queuedDatagrams() > 0, Clock.seconds(2)));
        assertEquals(60_000, server.recvFrom(buf, 0, buf.length, 0, meta));
        assertArrayEquals(data, Arrays.copyOf(buf, 60_000));
        assertEquals(1, b.counters().get(StackCounter.IP_REASM_OKS));
        assertEquals(41, b.counters().get(StackCounter.IP_REASM_REQDS));
        assertEquals(0, b.ipv4().reassembler().memoryUsed());
    }

    @Test
    void theLargestUdpDatagramCrossesA1500ByteLinkInFragments() {
        UdpSocket server = b.openUdp();
        assertEquals(0, server.bind(new InetEndpoint(0, 9001)));
        UdpSocket c = a.openUdp();
        byte[] data = new byte[UdpSocket.MAX_PAYLOAD];
        new Random(11).nextBytes(data);
        assertEquals(65_507, c.sendTo(data, 0, data.length, 0, new InetEndpoint(B, 9001)));
        assertEquals(-Errno.EMSGSIZE, c.sendTo(new byte[65_508], 0, 65_508, 0, new InetEndpoint(B, 9001)));
        assertTrue(sim.runUntil(() -> server.queuedDatagrams() > 0, Clock.seconds(2)));
        assertEquals(65_507, server.recv(buf, 0, buf.length, 0));
        assertArrayEquals(data, Arrays.copyOf(buf, 65_507));
        assertEquals(45, a.counters().get(StackCounter.IP_FRAG_CREATES), "65,515 bytes of IP payload in 1480-byte pieces");
    }

    @Test
    void thePcapOfAConversationOpensInTcpdump(@TempDir Path dir) throws Exception {
        ping(a, B, 1);
        echoServer(7);
        UdpSocket c = a.openUdp();
        c.sendTo(new byte[] {'h', 'i'}, 0, 2, 0, new InetEndpoint(B, 7));
        assertTrue(sim.runUntil(() -> c.queuedDatagrams() > 0, Clock.seconds(2)));
        pcap.flush();
        Path file = dir.resolve("two-stacks.pcap");
        Files.write(file, pcapBytes.toByteArray());
        Path tcpdump = Path.of("/usr/bin/tcpdump");
        Assumptions.assumeTrue(Files.isExecutable(tcpdump) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "tcpdump is not installed: skipping the pcap check");
        String out = run(Files.isExecutable(tcpdump) ? tcpdump.toString() : "/usr/sbin/tcpdump", "-nn", "-r", file.toString());
        assertTrue(out.contains("ARP, Request who-has 10.0.0.2 tell 10.0.0.1"), out);
        assertTrue(out.contains("ARP, Reply 10.0.0.2 is-at 02:00:00:00:00:0b"), out);
        assertTrue(out.contains("10.0.0.1 > 10.0.0.2: ICMP echo request"), out);
        assertTrue(out.contains("10.0.0.2 > 10.0.0.1: ICMP echo reply"), out);
        assertTrue(out.matches("(?s).*10\\.0\\.0\\.1\\.\\d+ > 10\\.0\\.0\\.2\\.7: UDP, length 2.*"), out);
        assertTrue(out.matches("(?s).*10\\.0\\.0\\.2\\.7 > 10\\.0\\.0\\.1\\.\\d+: UDP, length 2.*"), out);
    }

    @Test
    void corruptionDuplicationAndReorderingAreSurvivedAndCounted() {
        // The injector corrupts frames as if Ethernet had no FCS. ARP has no checksum of its own,
        // so a corrupted reply could teach a wrong MAC; static entries keep this test about IP/UDP.
        a.addStaticNeighbor("eth0", B, MacAddress.parse("02:00:00:00:00:0b"));
        b.addStaticNeighbor("eth0", A, MacAddress.parse("02:00:00:00:00:0a"));
        echoServer(7);
        faults.transmit().corruptRate(0.1).duplicateRate(0.2).reorderRate(0.2).lossRate(0.05);
        faults.receive().corruptRate(0.1).duplicateRate(0.2).reorderRate(0.2);
        UdpSocket c = a.openUdp();
        assertEquals(0, c.connect(new InetEndpoint(B, 7)));
        byte[] big = new byte[3000];
        new Random(9).nextBytes(big);
        for (int i = 0; i < 30; i++) {
            big[0] = (byte) i;
            boolean answered = false;
            for (int attempt = 0; attempt < 30 && !answered; attempt++) {
                c.send(big, 0, big.length, 0);
                sim.runUntil(() -> c.queuedDatagrams() > 0, Clock.millis(300));
                int n;
                while ((n = c.recvFrom(buf, 0, buf.length, 0, meta)) >= 0) {
                    // A corrupted byte that slipped past every checksum would show up here.
                    assertEquals(3000, n);
                    if (buf[0] == (byte) i) {
                        assertArrayEquals(big, Arrays.copyOf(buf, n));
                        answered = true;
                    }
                }
            }
            assertTrue(answered, "exchange " + i + ": drops at A " + a.counters().snapshot().drops() + ", at B " + b.counters().snapshot().drops());
        }
        long caught = a.counters().totalDrops() + b.counters().totalDrops();
        assertTrue(caught > 0, "corrupted frames were dropped and counted");
        assertTrue(faults.transmitCounters().corrupted() > 0);
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
