package org.alpenstack.kernel.wire;

import static org.alpenstack.kernel.wire.Bytes.fromHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.alpenstack.kernel.stack.DropReason;
import org.junit.jupiter.api.Test;

class ArpPacketTest {
    static final long HOST_A = 0x5254_0012_3456L;
    static final long HOST_B = 0x0200_00aa_bb01L;
    static final int IP_A = 0x0a000001;
    static final int IP_B = 0x0a000002;

    /** "Who has 10.0.0.2? Tell 10.0.0.1" (RFC 826), target hardware address zero as Linux sends it. */
    static final byte[] REQUEST = fromHex(
            "00 01 08 00 06 04 00 01 52 54 00 12 34 56 0a 00 00 01 00 00 00 00 00 00 0a 00 00 02");
    /** "10.0.0.2 is at 02:00:00:aa:bb:01". */
    static final byte[] REPLY = fromHex(
            "00 01 08 00 06 04 00 02 02 00 00 aa bb 01 0a 00 00 02 52 54 00 12 34 56 0a 00 00 01");

    @Test
    void requestFieldsReadFromTheView() {
        assertNull(ArpPacket.check(REQUEST, 0, REQUEST.length));
        assertEquals(ArpPacket.OP_REQUEST, ArpPacket.operation(REQUEST, 0));
        assertEquals(HOST_A, ArpPacket.senderHardwareAddress(REQUEST, 0));
        assertEquals(IP_A, ArpPacket.senderProtocolAddress(REQUEST, 0));
        assertEquals(0L, ArpPacket.targetHardwareAddress(REQUEST, 0));
        assertEquals(IP_B, ArpPacket.targetProtocolAddress(REQUEST, 0));
    }

    @Test
    void arpInsideTheEthernetFrameParsesAfterTheLinkHeader() {
        byte[] f = EthernetFrameTest.ARP_REQUEST_FRAME;
        int p = EthernetFrame.checkAndPayloadOffset(f, 0, f.length);
        // The 18 bytes of Ethernet padding after the ARP packet are ignored.
        assertEquals(ArpRepr.request(HOST_A, IP_A, IP_B), ArpRepr.parse(f, p, f.length - p));
    }

    @Test
    void reprEmitsTheFixedRequestAndReply() {
        ArpRepr request = ArpRepr.request(HOST_A, IP_A, IP_B);
        assertEquals(28, request.bufferLen());
        byte[] out = new byte[28];
        request.emit(out, 0);
        assertArrayEquals(REQUEST, out);

        ArpRepr reply = new ArpRepr(ArpPacket.OP_REPLY, HOST_B, IP_B, HOST_A, IP_A);
        assertEquals(reply, ArpRepr.parse(REPLY, 0, REPLY.length));
        reply.emit(out, 0);
        assertArrayEquals(REPLY, out);
    }

    @Test
    void reprRoundTripsAtAnOffset() {
        ArpRepr r = new ArpRepr(ArpPacket.OP_REPLY, 0xffff_ffff_ffffL, 0xffffffff, 1L, 0x80000000);
        byte[] a = new byte[5 + 28];
        r.emit(a, 5);
        assertEquals(r, ArpRepr.parse(a, 5, 28));
    }

    @Test
    void malformedPacketsGiveTheirDropReasons() {
        assertEquals(DropReason.ARP_TRUNCATED, ArpPacket.check(REQUEST, 0, 27));
        assertEquals(DropReason.ARP_TRUNCATED, ArpPacket.check(REQUEST, 0, 0));
        assertEquals(DropReason.ARP_UNSUPPORTED_HARDWARE_OR_PROTOCOL, ArpPacket.check(with(REQUEST, 1, 6), 0, 28));
        assertEquals(DropReason.ARP_UNSUPPORTED_HARDWARE_OR_PROTOCOL, ArpPacket.check(with(REQUEST, 2, 0x86), 0, 28));
        assertEquals(DropReason.ARP_UNSUPPORTED_HARDWARE_OR_PROTOCOL, ArpPacket.check(with(REQUEST, 4, 8), 0, 28));
        assertEquals(DropReason.ARP_UNSUPPORTED_HARDWARE_OR_PROTOCOL, ArpPacket.check(with(REQUEST, 5, 16), 0, 28));
        assertEquals(DropReason.ARP_BAD_OPCODE, ArpPacket.check(with(REQUEST, 7, 0), 0, 28));
        assertEquals(DropReason.ARP_BAD_OPCODE, ArpPacket.check(with(REQUEST, 7, 3), 0, 28));
        assertEquals(DropReason.ARP_BAD_OPCODE, ArpPacket.check(with(REQUEST, 6, 1), 0, 28));
        assertNull(ArpRepr.parse(with(REQUEST, 7, 9), 0, 28));
        assertNull(ArpRepr.parse(REQUEST, 0, 27));
        assertThrows(IllegalArgumentException.class, () -> new ArpRepr(3, 0, 0, 0, 0));
    }

    static byte[] with(byte[] packet, int index, int value) {
        byte[] copy = packet.clone();
        copy[index] = (byte) value;
        return copy;
    }
}
