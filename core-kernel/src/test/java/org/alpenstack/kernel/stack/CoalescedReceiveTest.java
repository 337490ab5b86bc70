package org.alpenstack.kernel.stack;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FaultInjector;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.kernel.wire.TcpFlags;
import org.alpenstack.kernel.wire.TcpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * IPv4 input and packets longer than the interface MTU. A device drops such frames before IP
 * (Linux veth: is_skb_forwardable), except GSO packets: a link driver that takes a local sender's
 * TCP super-frame whole marks it with its wire segment size ({@link PacketBuffer#receivedGsoSize()})
 * and vouches for its checksum, and only that is let through. A fault injector that damages
 * received traffic sees the wire frames instead.
 */
class CoalescedReceiveTest {
    static final long US = 0x020000000001L;
    static final long PEER = 0x020000000002L;
    static final int A = parse("10.0.0.1");
    static final int B = parse("10.0.0.2");
    static final int L2 = EthernetFrame.HEADER_LEN;

    ManualClock clock = new ManualClock();
    BufferPool pool = new BufferPool();
    CaptureLink link = new CaptureLink("eth0", 1500);
    NetStack stack;

    void start(Link l) {
        stack = new NetStack("gro", pool, clock);
        stack.addInterface("eth0", l, new MacAddress(US));
        stack.addAddress("eth0", "10.0.0.1/24");
        stack.addStaticNeighbor("eth0", B, new MacAddress(PEER));
        link.drain();
    }

    @AfterEach
    void tearDown() {
        stack.shutdown();
        pool.assertNoLeaks();
    }

    /** An ACK with {@code payload} bytes to a closed port (answered with a RST once TCP sees it). */
    static byte[] tcpFrame(int payload, int flagsOffset) {
        byte[] t = new byte[TcpHeader.HEADER_LEN + payload];
        for (int i = TcpHeader.HEADER_LEN; i < t.length; i++) {
            t[i] = (byte) i;
        }
        TcpHeader.emit(t, 0, 40000, 9, 1000, 77, TcpFlags.ACK, 65535, 0, null, payload, B, A);
        return Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.TCP, 64, 1, flagsOffset, t));
    }

    void receive(byte[] frame, boolean verified, int gsoSize) {
        link.inject(PacketBuffer.wrap(frame, 0, frame.length).transportChecksumVerified(verified).receivedGsoSize(gsoSize));
        assertEquals(0, stack.counters().drops(DropReason.INTERNAL_ERROR), () -> "internal error: " + stack.lastInternalError());
    }

    long tooLong() {
        return stack.counters().drops(DropReason.IPV4_LONGER_THAN_MTU);
    }

    @Test
    void aCoalescedTcpPacketAboveTheMtuReachesTcp() {
        start(link);
        receive(tcpFrame(64_000, 0), true, 1460);
        assertEquals(0, tooLong());
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size(), "TCP answered the 64 kB segment (closed port: RST)");
        assertTrue(TcpHeader.hasFlags(sent.get(0), L2 + Ipv4Packet.HEADER_LEN, TcpFlags.RST));
        assertEquals(1, stack.counters().get(StackCounter.IP_IN_DELIVERS));
        assertEquals(1, stack.tcp().counters().segmentsIn, "as one segment");
    }

    @Test
    void anUnmarkedPacketAboveTheMtuIsDroppedAndCounted() {
        start(link);
        long discards = stack.counters().get(StackCounter.IP_IN_DISCARDS);
        receive(tcpFrame(3000, 0), true, 0);
        assertEquals(1, tooLong());
        assertEquals(discards + 1, stack.counters().get(StackCounter.IP_IN_DISCARDS));
        assertEquals(0, stack.counters().get(StackCounter.IP_IN_DELIVERS));
        assertTrue(link.drain().isEmpty());
        // At the MTU exactly it is an ordinary packet.
        receive(tcpFrame(1500 - 40, 0), false, 0);
        assertEquals(1, tooLong());
        assertEquals(1, link.drain().size());
    }

    @Test
    void theMarkAloneIsNotEnough() {
        start(link);
        receive(tcpFrame(3000, 0), false, 1460);
        assertEquals(1, tooLong(), "without the driver's word on the checksum");
        byte[] u = Frames.udp(B, A, 1, 7, new byte[3000]);
        byte[] udp = Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.UDP, 64, 1, 0, u));
        receive(udp, true, 1460);
        assertEquals(2, tooLong(), "not TCP (UDP GSO is split by the driver)");
        receive(tcpFrame(3000, Ipv4Packet.FLAG_MORE_FRAGMENTS), true, 1460);
        assertEquals(3, tooLong(), "a fragment is never a coalesced packet");
        assertTrue(link.drain().isEmpty());
        assertEquals(0, stack.counters().get(StackCounter.IP_IN_DELIVERS));
    }

    @Test
    void aFaultInjectorDamagingReceivedTrafficSeesTheWireSegments() {
        FaultInjector faults = new FaultInjector(link, clock, pool, 7);
        start(faults);
        faults.receive().duplicateRate(1.0);
        receive(tcpFrame(3000, 0), true, 1000);
        assertEquals(0, tooLong());
        assertEquals(3, faults.receiveCounters().frames(), "three wire segments met the faults");
        assertEquals(6, stack.counters().get(StackCounter.ETH_IN_FRAMES), "each one duplicated");
        assertEquals(0, stack.tcp().counters().drops(DropReason.TCP_BAD_CHECKSUM), "every segment with its own checksum");
        assertEquals(6, link.drain().size(), "each answered (closed port: RST)");
        faults.receive().clear();
        receive(tcpFrame(3000, 0), true, 1000);
        assertEquals(7, stack.counters().get(StackCounter.ETH_IN_FRAMES), "whole again once the faults are off");
        assertFalse(link.drain().isEmpty());
    }
}
