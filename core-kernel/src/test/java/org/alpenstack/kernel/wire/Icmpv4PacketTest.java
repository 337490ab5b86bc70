package org.alpenstack.kernel.wire;

import static org.alpenstack.kernel.wire.Bytes.fromHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.alpenstack.kernel.stack.DropReason;
import org.junit.jupiter.api.Test;

class Icmpv4PacketTest {
    /**
     * A Linux ping's echo request: identifier 0x1c46, sequence 1, 56 data bytes (a 16-byte
     * timestamp, then 0x10..0x37).
     */
    static final byte[] ECHO_REQUEST = fromHex(
            "08 00 64 2a 1c 46 00 01 1b 3a 64 65 00 00 00 00 2f 1c 0a 00 00 00 00 00"
            + " 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27"
            + " 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37");

    /** The header and first 8 bytes of a UDP datagram that left with TTL 1. */
    static final byte[] QUOTED = fromHex(
            "45 00 00 22 8a 2b 40 00 01 11 db 9d 0a 00 00 01 0a 00 00 02 cf 84 00 07 00 0e 00 00");
    static final byte[] TIME_EXCEEDED = fromHex(
            "0b 00 25 66 00 00 00 00 45 00 00 22 8a 2b 40 00 01 11 db 9d 0a 00 00 01 0a 00 00 02"
            + " cf 84 00 07 00 0e 00 00");
    /** Fragmentation needed, next-hop MTU 1400 (RFC 1191 section 4). */
    static final byte[] FRAGMENTATION_NEEDED = fromHex(
            "03 04 27 ea 00 00 05 78 45 00 00 22 8a 2b 40 00 01 11 db 9d 0a 00 00 01 0a 00 00 02"
            + " cf 84 00 07 00 0e 00 00");

    static byte[] echoData() {
        return Arrays.copyOfRange(ECHO_REQUEST, 8, ECHO_REQUEST.length);
    }

    @Test
    void echoRequestFieldsReadFromTheView() {
        byte[] m = ECHO_REQUEST;
        assertNull(Icmpv4Packet.check(m, 0, m.length));
        assertTrue(Icmpv4Packet.verifyChecksum(m, 0, m.length));
        assertEquals(Icmpv4Type.ECHO_REQUEST, Icmpv4Packet.type(m, 0));
        assertEquals(0, Icmpv4Packet.code(m, 0));
        assertEquals(0x642a, Icmpv4Packet.checksum(m, 0));
        assertEquals(0x1c46, Icmpv4Packet.identifier(m, 0));
        assertEquals(1, Icmpv4Packet.sequence(m, 0));
    }

    @Test
    void echoRequestParsesAndEmitsByteForByte() {
        Icmpv4Repr.EchoRequest r = new Icmpv4Repr.EchoRequest(0x1c46, 1, echoData());
        assertEquals(r, Icmpv4Repr.parse(ECHO_REQUEST, 0, ECHO_REQUEST.length));
        assertEquals(64, r.bufferLen());
        byte[] out = new byte[64];
        r.emit(out, 0);
        assertArrayEquals(ECHO_REQUEST, out);
    }

    @Test
    void echoReplyEchoesIdentifierSequenceAndData() {
        Icmpv4Repr.EchoReply reply = new Icmpv4Repr.EchoRequest(0x1c46, 1, echoData()).reply();
        byte[] out = new byte[reply.bufferLen()];
        reply.emit(out, 0);
        assertEquals(Icmpv4Type.ECHO_REPLY, Icmpv4Packet.type(out, 0));
        // Only the type word changed, by 0x0800, so the checksum grows by 0x0800 (RFC 1624).
        assertEquals(0x6c2a, Icmpv4Packet.checksum(out, 0));
        assertTrue(Icmpv4Packet.verifyChecksum(out, 0, out.length));
        assertArrayEquals(Arrays.copyOfRange(ECHO_REQUEST, 4, 64), Arrays.copyOfRange(out, 4, 64));
        assertEquals(reply, Icmpv4Repr.parse(out, 0, out.length));
    }

    @Test
    void echoReplyCanBeBuiltInPlaceFromTheRequest() {
        byte[] m = ECHO_REQUEST.clone();
        Icmpv4Packet.emit(m, 0, Icmpv4Type.ECHO_REPLY, 0, Icmpv4Packet.restOfHeader(m, 0), m.length);
        byte[] expected = new byte[64];
        new Icmpv4Repr.EchoReply(0x1c46, 1, echoData()).emit(expected, 0);
        assertArrayEquals(expected, m);
    }

    @Test
    void echoRequestAndReplyWithTheSameFieldsAreDifferentMessages() {
        Icmpv4Repr.EchoRequest request = new Icmpv4Repr.EchoRequest(7, 9, new byte[] {1, 2, 3});
        assertNotEquals(request, request.reply());
        assertEquals(request, new Icmpv4Repr.EchoRequest(7, 9, new byte[] {1, 2, 3}));
        assertEquals(request.hashCode(), new Icmpv4Repr.EchoRequest(7, 9, new byte[] {1, 2, 3}).hashCode());
    }

    @Test
    void oddLengthEchoDataRoundTripsWithAValidChecksum() {
        Icmpv4Repr r = new Icmpv4Repr.EchoRequest(0xffff, 0xfffe, new byte[] {(byte) 0xff, 0x01, (byte) 0x80});
        byte[] a = new byte[3 + r.bufferLen()];
        r.emit(a, 3);
        assertTrue(Icmpv4Packet.verifyChecksum(a, 3, r.bufferLen()));
        assertEquals(r, Icmpv4Repr.parse(a, 3, r.bufferLen()));
    }

    @Test
    void timeExceededQuotesTheDatagram() {
        Icmpv4Repr r = Icmpv4Repr.parse(TIME_EXCEEDED, 0, TIME_EXCEEDED.length);
        assertEquals(new Icmpv4Repr.TimeExceeded(Icmpv4Code.TTL_EXCEEDED_IN_TRANSIT, QUOTED), r);
        assertTrue(Icmpv4Packet.verifyChecksum(TIME_EXCEEDED, 0, TIME_EXCEEDED.length));
        byte[] out = new byte[r.bufferLen()];
        r.emit(out, 0);
        assertArrayEquals(TIME_EXCEEDED, out);
        // The quoted datagram is an IPv4 header the ICMP layer can read with the same view.
        int q = Icmpv4Packet.DATA;
        assertEquals(0x0a000002, Ipv4Packet.destination(out, q));
        assertEquals(7, UdpPacket.destinationPort(out, q + Ipv4Packet.headerLength(out, q)));
    }

    @Test
    void fragmentationNeededCarriesTheNextHopMtu() {
        Icmpv4Repr r = Icmpv4Repr.parse(FRAGMENTATION_NEEDED, 0, FRAGMENTATION_NEEDED.length);
        Icmpv4Repr.DestinationUnreachable u = assertInstanceOf(Icmpv4Repr.DestinationUnreachable.class, r);
        assertEquals(Icmpv4Code.FRAGMENTATION_NEEDED, u.code());
        assertEquals(1400, u.nextHopMtu());
        assertEquals(1400, Icmpv4Packet.nextHopMtu(FRAGMENTATION_NEEDED, 0));
        assertArrayEquals(QUOTED, u.quoted());
        byte[] out = new byte[u.bufferLen()];
        u.emit(out, 0);
        assertArrayEquals(FRAGMENTATION_NEEDED, out);
    }

    @Test
    void everyDestinationUnreachableCodeRoundTrips() {
        for (int code = 0; code <= Icmpv4Code.MAX_UNREACHABLE; code++) {
            int mtu = code == Icmpv4Code.FRAGMENTATION_NEEDED ? 576 : 0;
            Icmpv4Repr r = new Icmpv4Repr.DestinationUnreachable(code, mtu, QUOTED);
            byte[] a = new byte[r.bufferLen()];
            r.emit(a, 0);
            assertEquals(Icmpv4Type.DESTINATION_UNREACHABLE, Icmpv4Packet.type(a, 0));
            assertEquals(code, Icmpv4Packet.code(a, 0));
            assertEquals(mtu, Icmpv4Packet.restOfHeader(a, 0), "unused word is zero except the RFC 1191 MTU");
            assertTrue(Icmpv4Packet.verifyChecksum(a, 0, a.length));
            assertEquals(r, Icmpv4Repr.parse(a, 0, a.length));
        }
    }

    @Test
    void parameterProblemCarriesThePointer() {
        Icmpv4Repr r = new Icmpv4Repr.ParameterProblem(Icmpv4Code.POINTER_INDICATES_ERROR, 9, QUOTED);
        byte[] a = new byte[r.bufferLen()];
        r.emit(a, 0);
        assertEquals(9, Icmpv4Packet.pointer(a, 0));
        assertEquals(0x09000000, Icmpv4Packet.restOfHeader(a, 0));
        assertEquals(r, Icmpv4Repr.parse(a, 0, a.length));
        assertTrue(Icmpv4Type.isError(r.type()));
        assertFalse(Icmpv4Type.isError(Icmpv4Type.ECHO_REQUEST));
    }

    @Test
    void malformedOrUnsupportedMessagesAreRejected() {
        assertEquals(DropReason.ICMP_TRUNCATED, Icmpv4Packet.check(ECHO_REQUEST, 0, 7));
        assertEquals(DropReason.ICMP_TRUNCATED, Icmpv4Packet.check(ECHO_REQUEST, 0, 0));
        assertNull(Icmpv4Packet.check(ECHO_REQUEST, 0, 8));
        assertNull(Icmpv4Repr.parse(ECHO_REQUEST, 0, 7));
        for (int i = 0; i < ECHO_REQUEST.length; i++) {
            byte[] corrupt = ECHO_REQUEST.clone();
            corrupt[i] ^= 0x01;
            assertFalse(Icmpv4Packet.verifyChecksum(corrupt, 0, corrupt.length), "bit flipped in byte " + i);
        }
        // Types without a Repr (timestamp, redirect, source quench) and undefined codes parse to null.
        assertNull(Icmpv4Repr.parse(with(ECHO_REQUEST, 0, Icmpv4Type.TIMESTAMP), 0, 64));
        assertNull(Icmpv4Repr.parse(with(ECHO_REQUEST, 0, Icmpv4Type.REDIRECT), 0, 64));
        assertNull(Icmpv4Repr.parse(with(ECHO_REQUEST, 0, 200), 0, 64));
        assertNull(Icmpv4Repr.parse(with(ECHO_REQUEST, 1, 1), 0, 64));
        assertNull(Icmpv4Repr.parse(with(FRAGMENTATION_NEEDED, 1, 16), 0, FRAGMENTATION_NEEDED.length));
        assertNull(Icmpv4Repr.parse(with(TIME_EXCEEDED, 1, 2), 0, TIME_EXCEEDED.length));
        assertThrows(IllegalArgumentException.class,
                () -> new Icmpv4Repr.DestinationUnreachable(Icmpv4Code.PORT_UNREACHABLE, 1400, QUOTED));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv4Repr.DestinationUnreachable(16, 0, QUOTED));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv4Repr.TimeExceeded(2, QUOTED));
        assertThrows(IllegalArgumentException.class, () -> new Icmpv4Repr.EchoRequest(0x10000, 0, new byte[0]));
    }

    @Test
    void reprCopiesTheDataItIsGiven() {
        byte[] data = {1, 2, 3};
        Icmpv4Repr.EchoRequest r = new Icmpv4Repr.EchoRequest(1, 1, data);
        data[0] = 9;
        assertEquals(1, r.data()[0]);
    }

    static byte[] with(byte[] packet, int index, int value) {
        byte[] copy = packet.clone();
        copy[index] = (byte) value;
        return copy;
    }
}
