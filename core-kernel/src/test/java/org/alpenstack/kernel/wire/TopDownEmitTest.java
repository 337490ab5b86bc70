package org.alpenstack.kernel.wire;

import static org.alpenstack.kernel.wire.Bytes.fromHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.junit.jupiter.api.Test;

/**
 * How the layers use the Reprs together (ARCHITECTURE.md "Emit top-down into one buffer with
 * headroom"): the payload goes in first, each layer prepends its header into the headroom, and
 * the receive side walks the same frame back up with the views' checks.
 */
class TopDownEmitTest {
    static final long HOST_A = 0x5254_0012_3456L;
    static final long HOST_B = 0x0200_00aa_bb01L;
    static final int IP_A = 0x0a000001;
    static final int IP_B = 0x0a000002;

    /** "hello\n" from 10.0.0.1:53124 to 10.0.0.2:7 in one Ethernet frame, every checksum right. */
    static final byte[] HELLO_FRAME = fromHex(
            "02 00 00 aa bb 01 52 54 00 12 34 56 08 00"
            + " 45 00 00 22 8a 2b 40 00 40 11 9c 9d 0a 00 00 01 0a 00 00 02"
            + " cf 84 00 07 00 0e d8 67 68 65 6c 6c 6f 0a");

    @Test
    void udpDatagramIsBuiltTopDownInOneBuffer() {
        BufferPool pool = new BufferPool();
        PacketBuffer b = pool.acquire(6);
        b.append("hello\n".getBytes(StandardCharsets.US_ASCII), 0, 6);

        UdpRepr udp = new UdpRepr(53124, 7, b.length());
        udp.emit(b.array(), b.prepend(udp.bufferLen()), IP_A, IP_B);

        Ipv4Repr ip = new Ipv4Repr(IP_A, IP_B, IpProtocol.UDP, b.length(), 64, 0, 0x8a2b, true, false, 0);
        ip.emit(b.array(), b.prepend(ip.bufferLen()));

        EthernetRepr eth = EthernetRepr.untagged(HOST_B, HOST_A, EtherType.IPV4);
        eth.emit(b.array(), b.prepend(eth.bufferLen()));

        assertArrayEquals(HELLO_FRAME, Arrays.copyOfRange(b.array(), b.start(), b.end()));
        b.release();
        pool.assertNoLeaks();
    }

    @Test
    void receivedFrameIsWalkedUpWithTheViews() {
        // The frame as a NIC hands it over: padded to the 60-byte Ethernet minimum.
        byte[] f = Arrays.copyOf(HELLO_FRAME, 60);
        int ipOff = EthernetFrame.checkAndPayloadOffset(f, 0, f.length);
        assertEquals(14, ipOff);
        assertEquals(EtherType.IPV4, EthernetFrame.payloadEtherType(f, 0));

        assertNull(Ipv4Packet.check(f, ipOff, f.length - ipOff));
        assertTrue(Ipv4Packet.verifyChecksum(f, ipOff));
        int udpOff = ipOff + Ipv4Packet.headerLength(f, ipOff);
        int udpLen = Ipv4Packet.payloadLength(f, ipOff); // the padding is cut off here

        assertNull(UdpPacket.check(f, udpOff, udpLen));
        assertTrue(UdpPacket.verifyChecksum(f, udpOff, Ipv4Packet.source(f, ipOff), Ipv4Packet.destination(f, ipOff)));
        assertEquals(7, UdpPacket.destinationPort(f, udpOff));
        assertEquals("hello\n", new String(f, udpOff + UdpPacket.PAYLOAD, UdpPacket.payloadLength(f, udpOff),
                StandardCharsets.US_ASCII));
    }
}
