package org.alpenstack.kernel.icmp;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.SocketOptions;
import org.alpenstack.kernel.stack.CaptureLink;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.Frames;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.stack.StackCounter;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.Icmpv4Packet;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IcmpTest {
    static final long US = 0x020000000001L;
    static final long PEER = 0x020000000002L;
    static final int A = parse("10.0.0.1");
    static final int B = parse("10.0.0.2");
    static final int L2 = EthernetFrame.HEADER_LEN;
    static final int L3 = L2 + Ipv4Packet.HEADER_LEN;

    ManualClock clock = new ManualClock(Clock.seconds(100));
    BufferPool pool = new BufferPool();
    NetStack stack;
    CaptureLink link = new CaptureLink("eth0", 1500);

    @BeforeEach
    void setUp() {
        stack = new NetStack("icmp", pool, clock);
        stack.addInterface("eth0", link, new MacAddress(US));
        stack.addAddress("eth0", "10.0.0.1/24");
        stack.addStaticNeighbor("eth0", B, new MacAddress(PEER));
        link.drain();
    }

    @AfterEach
    void tearDown() {
        stack.shutdown();
        assertEquals(0, stack.counters().drops(DropReason.INTERNAL_ERROR), () -> String.valueOf(stack.lastInternalError()));
        pool.assertNoLeaks();
    }

    void fromPeer(int protocol, byte[] payload) {
        link.inject(Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, protocol, 64, 1, 0, payload)));
    }

    /** ICMP error from the peer quoting a UDP datagram we sent from {@code sport} to B:{@code dport}. */
    void errorAboutOurUdp(int type, int code, int rest, int sport, int dport, int quotedLen) {
        byte[] ours = Frames.ipv4(A, B, IpProtocol.UDP, 64, 77, 0, Frames.udp(A, B, sport, dport, new byte[quotedLen]));
        fromPeer(IpProtocol.ICMP, Frames.icmp(type, code, rest, Arrays.copyOf(ours, 28)));
    }

    @Test
    void echoRequestsAreAnsweredWithTheSameIdentifierSequenceAndData() {
        byte[] data = "abcdefgh12345678".getBytes();
        fromPeer(IpProtocol.ICMP, Frames.icmp(8, 0, 0x12340007, data));
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size());
        byte[] f = sent.get(0);
        assertEquals(PEER, EthernetFrame.destination(f, 0));
        assertEquals(A, Ipv4Packet.source(f, L2));
        assertEquals(B, Ipv4Packet.destination(f, L2));
        assertEquals(0, Icmpv4Packet.type(f, L3));
        assertEquals(0x1234, Icmpv4Packet.identifier(f, L3));
        assertEquals(7, Icmpv4Packet.sequence(f, L3));
        assertTrue(Icmpv4Packet.verifyChecksum(f, L3, f.length - L3));
        assertArrayEquals(data, Arrays.copyOfRange(f, L3 + 8, f.length));
        assertEquals(1, stack.counters().get(StackCounter.ICMP_OUT_ECHO_REPS));

        // Broadcast echo requests are ignored (icmp_echo_ignore_broadcasts).
        link.inject(Frames.ethernet(MacAddress.BROADCAST.bits(), PEER, EtherType.IPV4,
                Frames.ipv4(B, parse("10.0.0.255"), IpProtocol.ICMP, 64, 2, 0, Frames.icmp(8, 0, 1, data))));
        assertEquals(0, link.drain().size());
    }

    @Test
    void fragmentationNeededLowersThePathMtuAndReportsEmsgsize() {
        UdpSocket s = stack.openUdp();
        assertEquals(0, s.bind(new InetEndpoint(A, 5000)));
        assertEquals(0, s.connect(new InetEndpoint(B, 53)));
        assertEquals(0, s.setOption(SocketOptions.SOL_IP, SocketOptions.IP_RECVERR, 1));
        assertEquals(1500, stack.ipOutput().pathMtu(B));

        errorAboutOurUdp(3, 4, 1000, 5000, 53, 1400);
        assertEquals(1000, stack.ipOutput().pathMtu(B));
        assertEquals(1000, s.getOption(SocketOptions.SOL_IP, SocketOptions.IP_MTU));
        assertEquals(-Errno.EMSGSIZE, s.recv(new byte[10], 0, 10, 0));
        org.alpenstack.kernel.socket.SockExtendedErr err = new org.alpenstack.kernel.socket.SockExtendedErr();
        assertEquals(0, s.recvError(new byte[100], 0, 100, err), "the 8 quoted bytes were all UDP header");
        assertEquals(Errno.EMSGSIZE, err.errno);
        assertEquals(1000, err.info, "ee_info carries the MTU");
        assertEquals(B, err.offender);
        assertEquals(53, err.destinationPort);

        assertEquals(1400, s.send(new byte[1400], 0, 1400, 0));
        List<byte[]> sent = link.drain();
        assertEquals(2, sent.size(), "fragmented at the learned path MTU");
        assertEquals(1000 - 4, Ipv4Packet.totalLength(sent.get(0), L2), "976 payload bytes, a multiple of 8, plus the header");

        // A forged tiny MTU is raised to the floor (Linux min_pmtu).
        errorAboutOurUdp(3, 4, 100, 5000, 53, 1400);
        assertEquals(552, stack.ipOutput().pathMtu(B));
        // And the learned value expires (RFC 1191 6.3).
        clock.advance(Clock.seconds(601));
        assertEquals(1500, stack.ipOutput().pathMtu(B));
        s.close();
    }

    @Test
    void fragmentationNeededWithoutMtuUsesThePlateauTable() {
        errorAboutOurUdp(3, 4, 0, 5000, 53, 1472);
        assertEquals(1492, stack.ipOutput().pathMtu(B), "RFC 1191 plateau below the 1500-byte datagram");
        assertEquals(1, stack.counters().drops(DropReason.ICMP_ERROR_NO_SOCKET), "no socket was waiting for it");
    }

    @Test
    void errorsMapToLinuxErrnos() {
        UdpSocket s = stack.openUdp();
        assertEquals(0, s.bind(new InetEndpoint(A, 5000)));
        assertEquals(0, s.connect(new InetEndpoint(B, 53)));
        errorAboutOurUdp(3, 1, 0, 5000, 53, 8);
        assertEquals(-Errno.EAGAIN, s.recv(new byte[1], 0, 1, 0), "host unreachable is soft");
        errorAboutOurUdp(11, 0, 0, 5000, 53, 8);
        assertEquals(-Errno.EAGAIN, s.recv(new byte[1], 0, 1, 0), "time exceeded is soft");
        errorAboutOurUdp(3, 10, 0, 5000, 53, 8);
        assertEquals(-Errno.EHOSTUNREACH, s.recv(new byte[1], 0, 1, 0), "host administratively prohibited is hard");
        errorAboutOurUdp(3, 2, 0, 5000, 53, 8);
        assertEquals(-Errno.ENOPROTOOPT, s.recv(new byte[1], 0, 1, 0));
        s.setOption(SocketOptions.SOL_IP, SocketOptions.IP_RECVERR, 1);
        errorAboutOurUdp(11, 0, 0, 5000, 53, 8);
        assertEquals(-Errno.EHOSTUNREACH, s.recv(new byte[1], 0, 1, 0), "with IP_RECVERR every error is reported");
        errorAboutOurUdp(12, 0, 0, 5000, 53, 8);
        assertEquals(-Errno.EPROTO, s.recv(new byte[1], 0, 1, 0));
        s.close();
    }

    @Test
    void portUnreachablesAreRateLimitedByATokenBucket() {
        for (int i = 0; i < 60; i++) {
            fromPeer(IpProtocol.UDP, Frames.udp(B, A, 40000 + i, 9, new byte[4]));
        }
        assertEquals(50, link.drain().size(), "a burst of 50");
        assertEquals(10, stack.counters().drops(DropReason.ICMP_RATE_LIMITED));
        clock.advance(Clock.millis(5));
        for (int i = 0; i < 10; i++) {
            fromPeer(IpProtocol.UDP, Frames.udp(B, A, 40000 + i, 9, new byte[4]));
        }
        assertEquals(5, link.drain().size(), "one token per millisecond");
        byte[] f = null;
        fromPeer(IpProtocol.UDP, Frames.udp(B, A, 1, 9, new byte[4]));
        clock.advance(Clock.millis(1));
        fromPeer(IpProtocol.UDP, Frames.udp(B, A, 1, 9, new byte[4]));
        f = link.drain().get(0);
        assertEquals(3, Icmpv4Packet.type(f, L3));
        assertEquals(3, Icmpv4Packet.code(f, L3));
        assertEquals(IpProtocol.UDP, Ipv4Packet.protocol(f, L3 + 8), "quotes the datagram");
    }

    @Test
    void anIncompleteDatagramWithItsFirstFragmentEarnsTimeExceeded() {
        link.inject(Frames.ethernet(US, PEER, EtherType.IPV4,
                Frames.ipv4(B, A, IpProtocol.UDP, 64, 99, Ipv4Packet.FLAG_MORE_FRAGMENTS, new byte[800])));
        clock.advance(Clock.seconds(29));
        stack.poll(clock.nanos());
        assertEquals(0, link.drain().size());
        clock.advance(Clock.seconds(2));
        stack.poll(clock.nanos());
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size());
        assertEquals(11, Icmpv4Packet.type(sent.get(0), L3));
        assertEquals(1, Icmpv4Packet.code(sent.get(0), L3));
        assertEquals(0, stack.ipv4().reassembler().memoryUsed());
    }
}
