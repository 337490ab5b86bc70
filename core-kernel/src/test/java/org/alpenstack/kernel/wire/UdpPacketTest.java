package org.alpenstack.kernel.wire;

import static org.alpenstack.kernel.wire.Bytes.fromHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.alpenstack.kernel.stack.DropReason;
import org.junit.jupiter.api.Test;

class UdpPacketTest {
    static final int IP_A = 0x0a000001;
    static final int IP_B = 0x0a000002;

    /** 10.0.0.1:53124 to 10.0.0.2:7 (echo), payload "hello\n", checksum 0xd867 with the pseudo-header. */
    static final byte[] HELLO = fromHex("cf 84 00 07 00 0e d8 67 68 65 6c 6c 6f 0a");

    @Test
    void headerFieldsReadFromTheView() {
        assertNull(UdpPacket.check(HELLO, 0, HELLO.length));
        assertEquals(53124, UdpPacket.sourcePort(HELLO, 0));
        assertEquals(7, UdpPacket.destinationPort(HELLO, 0));
        assertEquals(14, UdpPacket.length(HELLO, 0));
        assertEquals(6, UdpPacket.payloadLength(HELLO, 0));
        assertEquals(0xd867, UdpPacket.checksum(HELLO, 0));
        assertTrue(UdpPacket.verifyChecksum(HELLO, 0, IP_A, IP_B));
    }

    @Test
    void checksumCoversThePseudoHeader() {
        assertFalse(UdpPacket.verifyChecksum(HELLO, 0, IP_A, 0x0a000003));
        assertFalse(UdpPacket.verifyChecksum(HELLO, 0, IP_B, 0x0a000003));
        byte[] corrupt = HELLO.clone();
        corrupt[13] ^= 0x20;
        assertFalse(UdpPacket.verifyChecksum(corrupt, 0, IP_A, IP_B));
    }

    @Test
    void zeroChecksumMeansNoneOnReceive() {
        byte[] none = HELLO.clone();
        UdpPacket.checksum(none, 0, 0);
        none[13] ^= 0x20;
        assertTrue(UdpPacket.verifyChecksum(none, 0, IP_A, 0x0a000003));
    }

    @Test
    void reprEmitsTheFixedDatagramInFrontOfItsPayload() {
        UdpRepr r = new UdpRepr(53124, 7, 6);
        assertEquals(r, UdpRepr.parse(HELLO, 0, HELLO.length));
        byte[] a = new byte[14];
        System.arraycopy("hello\n".getBytes(StandardCharsets.US_ASCII), 0, a, 8, 6);
        r.emit(a, 0, IP_A, IP_B);
        assertArrayEquals(HELLO, a);
        assertEquals(8, r.bufferLen());
    }

    @Test
    void computedZeroChecksumIsSentAsAllOnes() {
        // Payload e0 1f makes the one's complement sum 0xffff, so the checksum computes to 0.
        byte[] a = fromHex("03 e8 07 d0 00 0a 00 00 e0 1f");
        new UdpRepr(1000, 2000, 2).emit(a, 0, IP_A, IP_B);
        assertEquals(0xffff, UdpPacket.checksum(a, 0));
        assertTrue(UdpPacket.verifyChecksum(a, 0, IP_A, IP_B));
        assertTrue(Checksum.verify(a, 0, 10, IP_A, IP_B, IpProtocol.UDP));
    }

    @Test
    void reprRoundTripsAtAnOffset() {
        UdpRepr r = new UdpRepr(0, 0xffff, 3);
        byte[] a = new byte[5 + 11];
        a[13] = 1;
        a[14] = 2;
        a[15] = 3;
        r.emit(a, 5, 0xc0a80001, 0xffffffff);
        assertTrue(UdpPacket.verifyChecksum(a, 5, 0xc0a80001, 0xffffffff));
        assertEquals(r, UdpRepr.parse(a, 5, 11));
    }

    @Test
    void bytesAfterTheUdpLengthAreNotPartOfTheDatagram() {
        byte[] padded = java.util.Arrays.copyOf(HELLO, 20);
        padded[19] = 0x55;
        assertNull(UdpPacket.check(padded, 0, 20));
        assertEquals(6, UdpRepr.parse(padded, 0, 20).payloadLength());
        assertTrue(UdpPacket.verifyChecksum(padded, 0, IP_A, IP_B));
    }

    @Test
    void malformedDatagramsGiveTheirDropReasons() {
        assertEquals(DropReason.UDP_TRUNCATED, UdpPacket.check(HELLO, 0, 7));
        assertEquals(DropReason.UDP_TRUNCATED, UdpPacket.check(HELLO, 0, 0));
        assertEquals(DropReason.UDP_TRUNCATED, UdpPacket.check(HELLO, 0, 13));
        byte[] shortLength = HELLO.clone();
        UdpPacket.length(shortLength, 0, 7);
        assertEquals(DropReason.UDP_BAD_LENGTH, UdpPacket.check(shortLength, 0, 14));
        UdpPacket.length(shortLength, 0, 0);
        assertEquals(DropReason.UDP_BAD_LENGTH, UdpPacket.check(shortLength, 0, 14));
        assertNull(UdpRepr.parse(shortLength, 0, 14));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(65536, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(0, 0, 65528));
    }
}
