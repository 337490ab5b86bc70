package org.alpenstack.kernel.stack;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.udp.UdpSocket;
import org.alpenstack.kernel.wire.EtherType;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.MacAddress;
import org.alpenstack.kernel.wire.TcpFlags;
import org.alpenstack.kernel.wire.TcpHeader;
import org.alpenstack.kernel.wire.UdpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A link driver may vouch for a received frame's TCP/UDP checksum (Linux's CHECKSUM_UNNECESSARY,
 * reported through AF_PACKET as TP_STATUS_CSUM_VALID): then the transport does not sum the
 * segment again. To see that the mark is what makes the difference, these tests send segments
 * with a WRONG checksum: trusted, they are taken; without the mark, they are dropped as before.
 */
class DriverVerifiedChecksumTest {
    static final long US = 0x020000000001L;
    static final long PEER = 0x020000000002L;
    static final int A = parse("10.0.0.1");
    static final int B = parse("10.0.0.2");
    static final int L2 = EthernetFrame.HEADER_LEN;

    ManualClock clock = new ManualClock();
    BufferPool pool = new BufferPool();
    NetStack stack;
    CaptureLink link = new CaptureLink("eth0", 1500);
    UdpSocket socket;

    @BeforeEach
    void setUp() {
        stack = new NetStack("trust", pool, clock);
        stack.addInterface("eth0", link, new MacAddress(US));
        stack.addAddress("eth0", "10.0.0.1/24");
        stack.addStaticNeighbor("eth0", B, new MacAddress(PEER));
        socket = stack.openUdp();
        assertEquals(0, socket.bind(new InetEndpoint(0, 7)));
        link.drain();
    }

    @AfterEach
    void tearDown() {
        stack.shutdown();
        pool.assertNoLeaks();
    }

    /** Delivers {@code frame} as a driver would, with or without its word on the checksum. */
    void receive(byte[] frame, boolean verified) {
        link.inject(PacketBuffer.wrap(frame, 0, frame.length).transportChecksumVerified(verified));
        assertEquals(0, stack.counters().drops(DropReason.INTERNAL_ERROR), () -> "internal error: " + stack.lastInternalError());
    }

    static byte[] udpWithBadChecksum(byte[] data) {
        byte[] u = Frames.udp(B, A, 1, 7, data);
        u[UdpPacket.CHECKSUM] ^= 0x10;
        return Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.UDP, 64, 1, 0, u));
    }

    /** A SYN to a closed port, checksum wrong: answered with RST only if the checksum is not checked. */
    static byte[] synWithBadChecksum() {
        byte[] t = new byte[TcpHeader.HEADER_LEN];
        TcpHeader.emit(t, 0, 40000, 9, 1000, 0, TcpFlags.SYN, 65535, 0, null, 0, B, A);
        t[TcpHeader.CHECKSUM] ^= 0x10;
        return Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.TCP, 64, 1, 0, t));
    }

    @Test
    void aUdpDatagramTheDriverVouchedForIsNotSummedAgain() {
        receive(udpWithBadChecksum(new byte[] {1, 2, 3}), true);
        assertEquals(0, stack.counters().drops(DropReason.UDP_BAD_CHECKSUM));
        assertEquals(1, socket.queuedDatagrams(), "taken on the driver's word");
    }

    @Test
    void withoutTheDriversWordABadUdpChecksumIsStillDropped() {
        receive(udpWithBadChecksum(new byte[] {1, 2, 3}), false);
        assertEquals(1, stack.counters().drops(DropReason.UDP_BAD_CHECKSUM));
        assertEquals(0, socket.queuedDatagrams());
    }

    @Test
    void aTcpSegmentTheDriverVouchedForIsNotSummedAgain() {
        receive(synWithBadChecksum(), true);
        assertEquals(0, stack.tcp().counters().drops(DropReason.TCP_BAD_CHECKSUM));
        List<byte[]> sent = link.drain();
        assertEquals(1, sent.size(), "the SYN reached TCP, which resets it (closed port)");
        assertTrue(TcpHeader.hasFlags(sent.get(0), L2 + Ipv4Packet.HEADER_LEN, TcpFlags.RST));
    }

    @Test
    void withoutTheDriversWordABadTcpChecksumIsStillDropped() {
        receive(synWithBadChecksum(), false);
        assertEquals(1, stack.tcp().counters().drops(DropReason.TCP_BAD_CHECKSUM));
        assertEquals(0, link.drain().size());
    }

    @Test
    void theMarkNeverCoversAFragmentedDatagram() {
        // A driver cannot have checked a datagram it never saw whole: the reassembled datagram
        // is summed here even if every fragment carried the mark.
        byte[] u = Frames.udp(B, A, 1, 7, new byte[32]);
        u[UdpPacket.CHECKSUM] ^= 0x10;
        byte[] first = Arrays.copyOfRange(u, 0, 16);
        byte[] second = Arrays.copyOfRange(u, 16, u.length);
        receive(Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.UDP, 64, 9, Ipv4Packet.FLAG_MORE_FRAGMENTS, first)), true);
        receive(Frames.ethernet(US, PEER, EtherType.IPV4, Frames.ipv4(B, A, IpProtocol.UDP, 64, 9, 16 / 8, second)), true);
        assertEquals(1, stack.counters().drops(DropReason.UDP_BAD_CHECKSUM));
        assertEquals(0, socket.queuedDatagrams());
    }

    @Test
    void theMarkIsForgottenWhenTheBufferIsPointedElsewhere() {
        PacketBuffer p = PacketBuffer.wrap(new byte[8], 0, 8).transportChecksumVerified(true);
        assertTrue(p.transportChecksumVerified());
        p.rewrap(new byte[8], 0, 4);
        assertFalse(p.transportChecksumVerified(), "rewrap");
        PacketBuffer pooled = pool.acquire(16).transportChecksumVerified(true);
        PacketBuffer copy = pooled.copy(pool, 0);
        assertFalse(copy.transportChecksumVerified(), "a copy is not the driver's frame");
        pooled.reset(0);
        assertFalse(pooled.transportChecksumVerified(), "reset");
        copy.release();
        pooled.release();
    }
}
