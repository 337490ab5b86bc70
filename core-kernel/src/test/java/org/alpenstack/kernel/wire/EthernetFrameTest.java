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

class EthernetFrameTest {
    static final long HOST_A = 0x5254_0012_3456L;
    static final long HOST_B = 0x0200_00aa_bb01L;

    /** A broadcast ARP request as Linux sends it, padded by the NIC to the 60-byte minimum. */
    static final byte[] ARP_REQUEST_FRAME = fromHex(
            "ff ff ff ff ff ff 52 54 00 12 34 56 08 06"
            + " 00 01 08 00 06 04 00 01 52 54 00 12 34 56 0a 00 00 01"
            + " 00 00 00 00 00 00 0a 00 00 02"
            + " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");

    /** Unicast IPv4 on VLAN 100 with priority 1 (TCI 0x2064). */
    static final byte[] TAGGED_IPV4_FRAME = fromHex(
            "02 00 00 aa bb 01 52 54 00 12 34 56 81 00 20 64 08 00"
            + " 45 00 00 14 00 00 40 00 40 fd 00 00 0a 00 00 01 0a 00 00 02");

    @Test
    void untaggedFrameHasItsPayloadAfterFourteenBytes() {
        byte[] f = ARP_REQUEST_FRAME;
        assertNull(EthernetFrame.check(f, 0, f.length));
        assertEquals(14, EthernetFrame.checkAndPayloadOffset(f, 0, f.length));
        assertEquals(MacAddress.BROADCAST.bits(), EthernetFrame.destination(f, 0));
        assertEquals(HOST_A, EthernetFrame.source(f, 0));
        assertEquals(EtherType.ARP, EthernetFrame.etherType(f, 0));
        assertEquals(EtherType.ARP, EthernetFrame.payloadEtherType(f, 0));
        assertFalse(EthernetFrame.isVlanTagged(f, 0));
        assertEquals(14, EthernetFrame.headerLength(f, 0));
        assertEquals(EthernetRepr.NO_VLAN, EthernetFrame.vlanTci(f, 0));
        // Even on a bare 14-byte frame: no read past the header.
        assertEquals(EthernetRepr.NO_VLAN, EthernetFrame.vlanTci(java.util.Arrays.copyOf(f, 14), 0));
    }

    @Test
    void vlanTaggedFrameHasItsPayloadAfterEighteenBytes() {
        byte[] f = TAGGED_IPV4_FRAME;
        assertNull(EthernetFrame.check(f, 0, f.length));
        assertEquals(18, EthernetFrame.checkAndPayloadOffset(f, 0, f.length));
        assertTrue(EthernetFrame.isVlanTagged(f, 0));
        assertEquals(EtherType.VLAN, EthernetFrame.etherType(f, 0));
        assertEquals(EtherType.IPV4, EthernetFrame.payloadEtherType(f, 0));
        assertEquals(0x2064, EthernetFrame.vlanTci(f, 0));
        assertEquals(100, EthernetFrame.vlanId(EthernetFrame.vlanTci(f, 0)));
        assertEquals(18, EthernetFrame.headerLength(f, 0));
        assertEquals(4, Ipv4Packet.version(f, 18));
    }

    @Test
    void payloadOffsetIsAbsoluteWhenTheFrameSitsInsideALargerArray() {
        byte[] a = new byte[7 + TAGGED_IPV4_FRAME.length];
        System.arraycopy(TAGGED_IPV4_FRAME, 0, a, 7, TAGGED_IPV4_FRAME.length);
        assertEquals(7 + 18, EthernetFrame.checkAndPayloadOffset(a, 7, TAGGED_IPV4_FRAME.length));
        assertEquals(HOST_B, EthernetFrame.destination(a, 7));
    }

    @Test
    void framesTooShortForTheirHeaderAreTruncated() {
        assertEquals(DropReason.ETH_TRUNCATED, EthernetFrame.check(ARP_REQUEST_FRAME, 0, 13));
        assertEquals(-1, EthernetFrame.checkAndPayloadOffset(ARP_REQUEST_FRAME, 0, 13));
        assertEquals(DropReason.ETH_TRUNCATED, EthernetFrame.check(new byte[0], 0, 0));
        assertEquals(-1, EthernetFrame.checkAndPayloadOffset(new byte[0], 0, 0));
        // A tag promised by 0x8100 but cut off.
        assertEquals(DropReason.ETH_TRUNCATED, EthernetFrame.check(TAGGED_IPV4_FRAME, 0, 17));
        assertEquals(-1, EthernetFrame.checkAndPayloadOffset(TAGGED_IPV4_FRAME, 0, 17));
        assertEquals(DropReason.ETH_TRUNCATED, EthernetFrame.check(TAGGED_IPV4_FRAME, 0, 14));
        // Exactly the header with no payload is well-formed at this layer.
        assertNull(EthernetFrame.check(ARP_REQUEST_FRAME, 0, 14));
        assertEquals(14, EthernetFrame.checkAndPayloadOffset(ARP_REQUEST_FRAME, 0, 14));
        assertNull(EthernetFrame.check(TAGGED_IPV4_FRAME, 0, 18));
        assertEquals(18, EthernetFrame.checkAndPayloadOffset(TAGGED_IPV4_FRAME, 0, 18));
    }

    @Test
    void reprParsesAndEmitsTheFixedHeaders() {
        EthernetRepr untagged = EthernetRepr.parse(ARP_REQUEST_FRAME, 0, ARP_REQUEST_FRAME.length);
        assertEquals(EthernetRepr.untagged(MacAddress.BROADCAST.bits(), HOST_A, EtherType.ARP), untagged);
        assertEquals(14, untagged.bufferLen());
        byte[] out = new byte[14];
        untagged.emit(out, 0);
        assertArrayEquals(Arrays.copyOf(ARP_REQUEST_FRAME, 14), out);

        EthernetRepr tagged = EthernetRepr.parse(TAGGED_IPV4_FRAME, 0, TAGGED_IPV4_FRAME.length);
        assertEquals(new EthernetRepr(HOST_B, HOST_A, EtherType.IPV4, 0x2064), tagged);
        assertEquals(18, tagged.bufferLen());
        byte[] out2 = new byte[18];
        tagged.emit(out2, 0);
        assertArrayEquals(Arrays.copyOf(TAGGED_IPV4_FRAME, 18), out2);
    }

    @Test
    void reprRoundTripsAtAnOffset() {
        for (EthernetRepr r : new EthernetRepr[] {
                EthernetRepr.untagged(HOST_A, HOST_B, EtherType.IPV6),
                new EthernetRepr(HOST_B, HOST_A, EtherType.ARP, 0),
                new EthernetRepr(0xffff_ffff_ffffL, 0, EtherType.IPV4, 0xffff)}) {
            byte[] a = new byte[3 + r.bufferLen()];
            r.emit(a, 3);
            assertEquals(r, EthernetRepr.parse(a, 3, r.bufferLen()));
            assertEquals(3 + r.bufferLen(), EthernetFrame.checkAndPayloadOffset(a, 3, r.bufferLen()));
        }
    }

    @Test
    void reprRejectsTruncatedAndDoublyTaggedFrames() {
        assertNull(EthernetRepr.parse(ARP_REQUEST_FRAME, 0, 13));
        assertNull(EthernetRepr.parse(TAGGED_IPV4_FRAME, 0, 17));
        byte[] qinq = TAGGED_IPV4_FRAME.clone();
        Bytes.u16(qinq, EthernetFrame.VLAN_ETHER_TYPE, EtherType.VLAN);
        assertNull(EthernetRepr.parse(qinq, 0, qinq.length));
        assertThrows(IllegalArgumentException.class, () -> new EthernetRepr(1L << 48, 0, EtherType.IPV4, -1));
        assertThrows(IllegalArgumentException.class, () -> new EthernetRepr(0, 0, EtherType.VLAN, -1));
        assertThrows(IllegalArgumentException.class, () -> new EthernetRepr(0, 0, EtherType.IPV4, 0x10000));
    }
}
