package org.alpenstack.kernel.ip;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.socket.SocketOptions;
import org.alpenstack.kernel.stack.CaptureLink;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.Frames;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.ArpPacket;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.kernel.wire.UdpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ARP cache on a manual clock, observed through the frames the stack transmits. */
class NeighborCacheTest {
    static final long MAC_A = 0x020000000001L;
    static final long MAC_B = 0x020000000002L;
    static final int A = parse("10.0.0.1");
    static final int B = parse("10.0.0.2");

    ManualClock clock = new ManualClock();
    BufferPool pool = new BufferPool();
    NetStack stack;
    CaptureLink link = new CaptureLink("eth0", 1500);
    NeighborCache cache;

    @BeforeEach
    void setUp() {
        stack = new NetStack("a", pool, clock);
        stack.addInterface("eth0", link, new MacAddress(MAC_A));
        assertEquals(0, stack.addAddress("eth0", "10.0.0.1/24"));
        cache = stack.neighbors("eth0");
    }

    @AfterEach
    void tearDown() {
        stack.shutdown();
        assertEquals(0, stack.counters().drops(DropReason.INTERNAL_ERROR));
        pool.assertNoLeaks();
    }

    void runTo(long t) {
        while (true) {
            long d = stack.nextDeadline();
            if (d > t) {
                break;
            }
            clock.set(Math.max(d, clock.nanos()));
            stack.poll(clock.nanos());
        }
        clock.set(t);
        stack.poll(t);
    }

    static boolean isArpRequestFor(byte[] f, int target) {
        return EthernetFrame.etherType(f, 0) == EtherType.ARP
                && ArpPacket.operation(f, EthernetFrame.HEADER_LEN) == ArpPacket.OP_REQUEST
                && ArpPacket.targetProtocolAddress(f, EthernetFrame.HEADER_LEN) == target;
    }

    void sendUdp(UdpSocket s, int dst, byte tag) {
        assertEquals(1, s.sendTo(new byte[] {tag}, 0, 1, 0, new InetEndpoint(dst, 7)));
    }

    void injectArpReply(int spa, long sha) {
        link.inject(Frames.ethernet(MAC_A, sha, EtherType.ARP, Frames.arp(ArpPacket.OP_REPLY, sha, spa, MAC_A, A)));
    }

    @Test
    void addingAnAddressAnnouncesItWithAGratuitousArp() {
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size());
        byte[] f = sent.get(0);
        assertEquals(MacAddress.BROADCAST.bits(), EthernetFrame.destination(f, 0));
        assertTrue(isArpRequestFor(f, A));
        assertEquals(A, ArpPacket.senderProtocolAddress(f, EthernetFrame.HEADER_LEN), "sender = target = the new address");
        assertEquals(MAC_A, ArpPacket.senderHardwareAddress(f, EthernetFrame.HEADER_LEN));
        assertEquals(0, stack.addAddress("eth0", "10.0.1.1/24"));
        assertTrue(isArpRequestFor(link.drain().get(0), parse("10.0.1.1")));
    }

    @Test
    void threeRequestsOneSecondApartThenFailureReportsHostUnreachable() {
        link.drain();
        UdpSocket s = stack.openUdp();
        assertEquals(0, s.setOption(SocketOptions.SOL_IP, SocketOptions.IP_RECVERR, 1));
        sendUdp(s, B, (byte) 1);
        assertEquals(NeighborState.INCOMPLETE, cache.state(B));
        assertTrue(isArpRequestFor(link.drain().get(0), B));

        runTo(Clock.millis(999));
        assertEquals(0, link.drain().size(), "no retry before retrans_time");
        runTo(Clock.seconds(1));
        assertTrue(isArpRequestFor(link.drain().get(0), B));
        runTo(Clock.seconds(2));
        assertTrue(isArpRequestFor(link.drain().get(0), B));
        runTo(Clock.millis(2999));
        assertEquals(NeighborState.INCOMPLETE, cache.state(B));
        assertEquals(-Errno.EAGAIN, s.recv(new byte[10], 0, 10, 0));

        runTo(Clock.seconds(3));
        assertEquals(NeighborState.FAILED, cache.state(B));
        assertEquals(0, link.drain().size(), "exactly three requests (mcast_solicit)");
        assertEquals(1, stack.counters().drops(DropReason.ARP_RESOLUTION_FAILED));
        assertEquals(-Errno.EHOSTUNREACH, s.recv(new byte[10], 0, 10, 0));
        assertEquals(-Errno.EAGAIN, s.recv(new byte[10], 0, 10, 0), "the error is reported once");

        // A later packet starts a fresh resolution.
        sendUdp(s, B, (byte) 2);
        assertEquals(NeighborState.INCOMPLETE, cache.state(B));
        assertTrue(isArpRequestFor(link.drain().get(0), B));
        s.close();
    }

    @Test
    void withoutIpRecverrHostUnreachableIsSoftLikeLinux() {
        link.drain();
        UdpSocket s = stack.openUdp();
        assertEquals(0, s.connect(new InetEndpoint(B, 7)));
        assertEquals(1, s.send(new byte[] {1}, 0, 1, 0));
        runTo(Clock.seconds(3));
        assertEquals(NeighborState.FAILED, cache.state(B));
        assertEquals(-Errno.EAGAIN, s.recv(new byte[10], 0, 10, 0), "udp_err ignores soft errors without IP_RECVERR");
        s.close();
    }

    @Test
    void pendingQueueKeepsTheNewestPacketsUpToItsCap() {
        link.drain();
        cache.config().pendingLimit = 3;
        UdpSocket s = stack.openUdp();
        for (byte i = 0; i < 5; i++) {
            sendUdp(s, B, i);
        }
        assertEquals(3, cache.pendingCount(B));
        assertEquals(2, stack.counters().drops(DropReason.ARP_PENDING_QUEUE_FULL));
        link.drain();

        injectArpReply(B, MAC_B);
        assertEquals(NeighborState.REACHABLE, cache.state(B));
        List<byte[]> sent = link.drain();
        assertEquals(3, sent.size());
        for (int i = 0; i < 3; i++) {
            byte[] f = sent.get(i);
            assertEquals(MAC_B, EthernetFrame.destination(f, 0));
            int udp = EthernetFrame.HEADER_LEN + 20;
            assertEquals(2 + i, f[udp + UdpPacket.HEADER_LEN], "oldest dropped first, order kept");
        }
        s.close();
    }

    @Test
    void reachableBecomesStaleThenDelayThenProbesByUnicastThenFails() {
        link.drain();
        UdpSocket s = stack.openUdp();
        sendUdp(s, B, (byte) 0);
        link.drain();
        injectArpReply(B, MAC_B);
        link.drain();
        assertEquals(NeighborState.REACHABLE, cache.state(B));

        runTo(Clock.seconds(30));
        assertEquals(NeighborState.STALE, cache.state(B));
        sendUdp(s, B, (byte) 1);
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size(), "a stale entry is still used, without waiting");
        assertEquals(MAC_B, EthernetFrame.destination(sent.get(0), 0));
        assertEquals(NeighborState.DELAY, cache.state(B));

        runTo(Clock.seconds(35));
        assertEquals(NeighborState.PROBE, cache.state(B));
        sent = link.drain();
        assertEquals(1, sent.size());
        assertTrue(isArpRequestFor(sent.get(0), B));
        assertEquals(MAC_B, EthernetFrame.destination(sent.get(0), 0), "probes are unicast to the known MAC");
        runTo(Clock.seconds(37));
        assertEquals(2, link.drain().size());
        runTo(Clock.seconds(38));
        assertEquals(NeighborState.FAILED, cache.state(B));
        s.close();
    }

    @Test
    void aReplyDuringProbingConfirmsTheEntry() {
        link.drain();
        UdpSocket s = stack.openUdp();
        sendUdp(s, B, (byte) 0);
        injectArpReply(B, MAC_B);
        runTo(Clock.seconds(30));
        sendUdp(s, B, (byte) 1);
        runTo(Clock.seconds(35));
        assertEquals(NeighborState.PROBE, cache.state(B));
        injectArpReply(B, MAC_B);
        assertEquals(NeighborState.REACHABLE, cache.state(B));
        s.close();
    }

    @Test
    void staticEntriesNeedNoArpAndIgnoreTheNetwork() {
        link.drain();
        assertEquals(0, stack.addStaticNeighbor("eth0", B, new MacAddress(MAC_B)));
        UdpSocket s = stack.openUdp();
        sendUdp(s, B, (byte) 0);
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size());
        assertEquals(EtherType.IPV4, EthernetFrame.etherType(sent.get(0), 0));
        assertEquals(MAC_B, EthernetFrame.destination(sent.get(0), 0));

        injectArpReply(B, 0x02000000beefL);
        assertEquals(NeighborState.STATIC, cache.state(B));
        assertEquals(MAC_B, cache.macOf(B));
        runTo(Clock.seconds(600));
        assertEquals(NeighborState.STATIC, cache.state(B), "static entries never expire");
        assertEquals(-Errno.EINVAL, cache.addStatic(B, MacAddress.BROADCAST));
        s.close();
    }

    @Test
    void aRequestForUsIsAnsweredAndItsSenderLearnedAsStale() {
        link.drain();
        link.inject(Frames.ethernet(MacAddress.BROADCAST.bits(), MAC_B, EtherType.ARP, Frames.arp(ArpPacket.OP_REQUEST, MAC_B, B, 0, A)));
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size());
        byte[] f = sent.get(0);
        int arp = EthernetFrame.HEADER_LEN;
        assertEquals(MAC_B, EthernetFrame.destination(f, 0));
        assertEquals(ArpPacket.OP_REPLY, ArpPacket.operation(f, arp));
        assertEquals(A, ArpPacket.senderProtocolAddress(f, arp));
        assertEquals(MAC_A, ArpPacket.senderHardwareAddress(f, arp));
        assertEquals(B, ArpPacket.targetProtocolAddress(f, arp));
        assertEquals(MAC_B, ArpPacket.targetHardwareAddress(f, arp));
        assertEquals(NeighborState.STALE, cache.state(B), "RFC 826: a request aimed at us creates an entry");
        assertEquals(MAC_B, cache.macOf(B));
    }

    @Test
    void requestsForOthersAreNotAnsweredAndTeachNothingNew() {
        link.drain();
        int c = parse("10.0.0.3");
        link.inject(Frames.ethernet(MacAddress.BROADCAST.bits(), MAC_B, EtherType.ARP,
                Frames.arp(ArpPacket.OP_REQUEST, MAC_B, B, 0, c)));
        assertEquals(0, link.drain().size());
        assertNull(cache.state(B));
        assertEquals(1, stack.counters().drops(DropReason.ARP_NOT_FOR_US));
    }

    @Test
    void aKnownNeighbourIsUpdatedByAnyArpFromIt() {
        link.drain();
        link.inject(Frames.ethernet(MacAddress.BROADCAST.bits(), MAC_B, EtherType.ARP, Frames.arp(ArpPacket.OP_REQUEST, MAC_B, B, 0, A)));
        long newMac = 0x020000000099L;
        // Gratuitous ARP from B with a new MAC (a failover): RFC 826 merge.
        link.inject(Frames.ethernet(MacAddress.BROADCAST.bits(), newMac, EtherType.ARP, Frames.arp(ArpPacket.OP_REQUEST, newMac, B, 0, B)));
        assertEquals(newMac, cache.macOf(B));
        assertEquals(0, stack.counters().drops(DropReason.ARP_NOT_FOR_US), "a gratuitous ARP is not a drop");
    }

    @Test
    void unusedStaleEntriesAreCollected() {
        link.drain();
        link.inject(Frames.ethernet(MacAddress.BROADCAST.bits(), MAC_B, EtherType.ARP, Frames.arp(ArpPacket.OP_REQUEST, MAC_B, B, 0, A)));
        assertEquals(NeighborState.STALE, cache.state(B));
        runTo(Clock.seconds(61));
        assertNull(cache.state(B));
        assertEquals(0, cache.size());
    }

    @Test
    void queuedPacketsAreSentInOrderOnceResolved() {
        link.drain();
        UdpSocket s = stack.openUdp();
        byte[] big = new byte[4000];
        assertEquals(4000, s.sendTo(big, 0, big.length, 0, new InetEndpoint(B, 9)));
        assertEquals(3, cache.pendingCount(B), "three fragments wait for ARP");
        link.drain();
        injectArpReply(B, MAC_B);
        List<byte[]> sent = link.drain();
        assertEquals(3, sent.size());
        assertArrayEquals(new int[] {0, 1480, 2960}, sent.stream().mapToInt(f -> (((f[20] & 0x1f) << 8) | (f[21] & 0xff)) * 8).toArray());
        s.close();
    }

    @Test
    void aPingSocketWithIpRecverrFindsTheFailureInItsErrorQueue() {
        link.drain();
        org.alpenstack.kernel.icmp.IcmpSocket ping = stack.openPing();
        assertEquals(0, ping.setOption(SocketOptions.SOL_IP, SocketOptions.IP_RECVERR, 1));
        byte[] echo = {8, 0, 0, 0, 0, 0, 0, 1, 'x'};
        assertEquals(9, ping.sendTo(echo, 0, echo.length, 0, new InetEndpoint(B, 0)));
        runTo(Clock.seconds(3));
        assertTrue((ping.readiness() & org.alpenstack.kernel.socket.Readiness.POLLERR) != 0);
        org.alpenstack.kernel.socket.SockExtendedErr err = new org.alpenstack.kernel.socket.SockExtendedErr();
        byte[] buf = new byte[64];
        assertEquals(9, ping.recvError(buf, 0, buf.length, err));
        assertEquals(Errno.EHOSTUNREACH, err.errno);
        assertEquals(org.alpenstack.kernel.socket.SockExtendedErr.SO_EE_ORIGIN_ICMP, err.origin);
        assertEquals(3, err.type);
        assertEquals(1, err.code);
        assertEquals(A, err.offender, "Linux reports it as ICMP host unreachable from ourselves");
        assertEquals(B, err.destinationAddress);
        assertEquals(8, buf[0], "the echo request that failed");
        assertEquals(0, ping.pendingError(), "reading the queue clears the error");
        assertEquals(-Errno.EAGAIN, ping.recvError(buf, 0, buf.length, err));
        assertEquals(0, ping.readiness() & org.alpenstack.kernel.socket.Readiness.POLLERR);
        ping.close();
    }
}
