package org.alpenstack.kernel.wire;

import static org.alpenstack.kernel.wire.Bytes.fromHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.alpenstack.kernel.stack.DropReason;
import org.junit.jupiter.api.Test;

class Ipv4PacketTest {
    static final int IP_A = 0x0a000001;
    static final int IP_B = 0x0a000002;

    /** The header of a Linux ping (84 bytes total, DF, TTL 64, ICMP) from 10.0.0.1 to 10.0.0.2. */
    static final byte[] PING_HEADER = fromHex("45 00 00 54 3a 5c 40 00 40 01 ec 4a 0a 00 00 01 0a 00 00 02");

    static byte[] pingPacket() {
        byte[] p = new byte[84];
        System.arraycopy(PING_HEADER, 0, p, 0, 20);
        System.arraycopy(Icmpv4PacketTest.ECHO_REQUEST, 0, p, 20, 64);
        return p;
    }

    @Test
    void pingHeaderFieldsReadFromTheView() {
        byte[] p = pingPacket();
        assertNull(Ipv4Packet.check(p, 0, p.length));
        assertTrue(Ipv4Packet.verifyChecksum(p, 0));
        assertEquals(4, Ipv4Packet.version(p, 0));
        assertEquals(20, Ipv4Packet.headerLength(p, 0));
        assertEquals(0, Ipv4Packet.tos(p, 0));
        assertEquals(84, Ipv4Packet.totalLength(p, 0));
        assertEquals(64, Ipv4Packet.payloadLength(p, 0));
        assertEquals(0x3a5c, Ipv4Packet.identification(p, 0));
        assertTrue(Ipv4Packet.dontFragment(p, 0));
        assertFalse(Ipv4Packet.moreFragments(p, 0));
        assertEquals(0, Ipv4Packet.fragmentOffset(p, 0));
        assertFalse(Ipv4Packet.isFragment(p, 0));
        assertEquals(64, Ipv4Packet.ttl(p, 0));
        assertEquals(IpProtocol.ICMP, Ipv4Packet.protocol(p, 0));
        assertEquals(0xec4a, Ipv4Packet.checksum(p, 0));
        assertEquals(IP_A, Ipv4Packet.source(p, 0));
        assertEquals(IP_B, Ipv4Packet.destination(p, 0));
    }

    @Test
    void reprEmitsThePingHeaderByteForByte() {
        Ipv4Repr r = new Ipv4Repr(IP_A, IP_B, IpProtocol.ICMP, 64, 64, 0, 0x3a5c, true, false, 0);
        assertEquals(r, Ipv4Repr.parse(pingPacket(), 0, 84));
        assertEquals(20, r.bufferLen());
        assertEquals(84, r.totalLength());
        byte[] out = new byte[20];
        r.emit(out, 0);
        assertArrayEquals(PING_HEADER, out);
    }

    @Test
    void optionsAreSkippedByTheHeaderLength() {
        // IHL 6: a Router Alert option (RFC 2113, 94 04 00 00) before an 8-byte UDP header.
        byte[] p = fromHex("46 00 00 20 00 01 00 00 01 11 00 00 0a 00 00 01 e0 00 00 16 94 04 00 00"
                + " 00 35 00 35 00 08 00 00");
        Ipv4Packet.fillChecksum(p, 0);
        assertNull(Ipv4Packet.check(p, 0, p.length));
        assertTrue(Ipv4Packet.verifyChecksum(p, 0));
        assertEquals(24, Ipv4Packet.headerLength(p, 0));
        assertEquals(8, Ipv4Packet.payloadLength(p, 0));
        Ipv4Repr r = Ipv4Repr.parse(p, 0, p.length);
        assertEquals(8, r.payloadLength());
        assertEquals(0xe0000016, r.destination());
        // The checksum covers the options: corrupting one is detected.
        p[21] ^= 1;
        assertFalse(Ipv4Packet.verifyChecksum(p, 0));
    }

    @Test
    void maximalHeaderOfSixtyBytesIsInBounds() {
        byte[] p = new byte[60];
        p[0] = 0x4f;
        Ipv4Packet.totalLength(p, 0, 60);
        assertNull(Ipv4Packet.check(p, 0, 60));
        assertEquals(60, Ipv4Packet.headerLength(p, 0));
        assertEquals(0, Ipv4Packet.payloadLength(p, 0));
        assertEquals(DropReason.IPV4_BAD_HEADER_LENGTH, Ipv4Packet.check(p, 0, 59));
    }

    @Test
    void ethernetPaddingAfterTheTotalLengthIsNotPartOfThePacket() {
        byte[] p = Arrays.copyOf(pingPacket(), 84 + 10);
        assertNull(Ipv4Packet.check(p, 0, p.length));
        assertEquals(64, Ipv4Repr.parse(p, 0, p.length).payloadLength());
    }

    @Test
    void fragmentFieldsReadAndWrite() {
        Ipv4Repr middle = new Ipv4Repr(IP_A, IP_B, IpProtocol.UDP, 1480, 64, 0, 0x1234, false, true, 1480);
        byte[] a = new byte[20];
        middle.emit(a, 0);
        assertEquals(0x2000 | 185, Ipv4Packet.flagsAndFragmentOffset(a, 0));
        assertTrue(Ipv4Packet.moreFragments(a, 0));
        assertTrue(Ipv4Packet.isFragment(a, 0));
        assertEquals(1480, Ipv4Packet.fragmentOffset(a, 0));
        Ipv4Repr last = new Ipv4Repr(IP_A, IP_B, IpProtocol.UDP, 8, 64, 0, 0x1234, false, false, 65528);
        last.emit(a, 0);
        assertFalse(Ipv4Packet.moreFragments(a, 0));
        assertTrue(Ipv4Packet.isFragment(a, 0));
        assertEquals(65528, Ipv4Packet.fragmentOffset(a, 0));
    }

    @Test
    void reprRoundTripsAtAnOffset() {
        Ipv4Repr r = new Ipv4Repr(0xc0a80001, 0xffffffff, 255, 100, 1, 0xb8, 0xffff, true, true, 8);
        byte[] a = new byte[9 + 20 + 100];
        r.emit(a, 9);
        assertTrue(Ipv4Packet.verifyChecksum(a, 9));
        assertEquals(r, Ipv4Repr.parse(a, 9, 120));
    }

    @Test
    void ttlDecrementPatchesTheChecksumIncrementally() {
        byte[] p = pingPacket();
        Ipv4Packet.decrementTtl(p, 0);
        assertEquals(63, Ipv4Packet.ttl(p, 0));
        assertTrue(Ipv4Packet.verifyChecksum(p, 0));
        int incremental = Ipv4Packet.checksum(p, 0);
        Ipv4Packet.fillChecksum(p, 0);
        assertEquals(Ipv4Packet.checksum(p, 0), incremental);
        assertEquals(0xed4a, incremental);
    }

    @Test
    void malformedHeadersGiveTheirDropReasons() {
        byte[] p = pingPacket();
        assertEquals(DropReason.IPV4_TRUNCATED, Ipv4Packet.check(p, 0, 19));
        assertEquals(DropReason.IPV4_TRUNCATED, Ipv4Packet.check(p, 0, 0));
        assertEquals(DropReason.IPV4_BAD_VERSION, Ipv4Packet.check(with(p, 0, 0x65), 0, 84));
        assertEquals(DropReason.IPV4_BAD_VERSION, Ipv4Packet.check(with(p, 0, 0x05), 0, 84));
        assertEquals(DropReason.IPV4_BAD_HEADER_LENGTH, Ipv4Packet.check(with(p, 0, 0x44), 0, 84));
        assertEquals(DropReason.IPV4_BAD_HEADER_LENGTH, Ipv4Packet.check(with(p, 0, 0x40), 0, 84));
        // IHL says 60 bytes but only 40 arrived, whatever the total length says.
        assertEquals(DropReason.IPV4_BAD_HEADER_LENGTH, Ipv4Packet.check(with(p, 0, 0x4f), 0, 40));
        byte[] longHeader = with(p, 0, 0x4f);
        Ipv4Packet.totalLength(longHeader, 0, 40);
        assertEquals(DropReason.IPV4_BAD_HEADER_LENGTH, Ipv4Packet.check(longHeader, 0, 40));
        // Total length promises more than the link delivered.
        assertEquals(DropReason.IPV4_TRUNCATED, Ipv4Packet.check(p, 0, 83));
        // Total length shorter than the header itself.
        byte[] shortTotal = p.clone();
        Ipv4Packet.totalLength(shortTotal, 0, 19);
        assertEquals(DropReason.IPV4_BAD_TOTAL_LENGTH, Ipv4Packet.check(shortTotal, 0, 84));
        byte[] optionsBeyondTotal = with(p, 0, 0x46);
        Ipv4Packet.totalLength(optionsBeyondTotal, 0, 20);
        assertEquals(DropReason.IPV4_BAD_TOTAL_LENGTH, Ipv4Packet.check(optionsBeyondTotal, 0, 84));
        assertNull(Ipv4Repr.parse(shortTotal, 0, 84));
        // A flipped bit anywhere in the header fails the checksum.
        for (int i = 0; i < 20; i++) {
            byte[] corrupt = p.clone();
            corrupt[i] ^= 0x10;
            assertFalse(Ipv4Packet.verifyChecksum(corrupt, 0), "bit flipped in byte " + i);
        }
    }

    @Test
    void reprRejectsImpossibleFields() {
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 256, 0, 64, 0, 0, false, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 6, 65516, 64, 0, 0, false, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 6, 0, 64, 0, 0, false, false, 4));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 6, 0, 64, 0, 0x10000, false, false, 0));
    }

    static byte[] with(byte[] packet, int index, int value) {
        byte[] copy = packet.clone();
        copy[index] = (byte) value;
        return copy;
    }
}
