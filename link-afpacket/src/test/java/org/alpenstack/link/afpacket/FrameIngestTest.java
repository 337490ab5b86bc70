package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;
import org.junit.jupiter.api.Test;

/** One frame from native memory into a batch, with the sender's offloads finished. */
class FrameIngestTest {
    final RxStats stats = new RxStats();
    final FrameIngest ingest = new FrameIngest(stats, 128 * 1024);

    /** A native-order buffer holding a virtio_net_hdr at 0 and the frame at 10. */
    static ByteBuffer withVnet(byte[] frame, int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        ByteBuffer b = ByteBuffer.allocateDirect(10 + frame.length).order(ByteOrder.nativeOrder());
        b.put(VirtioNetHdr.FLAGS, (byte) flags);
        b.put(VirtioNetHdr.GSO_TYPE, (byte) gsoType);
        b.putShort(VirtioNetHdr.GSO_SIZE, (short) gsoSize);
        b.putShort(VirtioNetHdr.CSUM_START, (short) csumStart);
        b.putShort(VirtioNetHdr.CSUM_OFFSET, (short) csumOffset);
        b.put(10, frame);
        return b;
    }

    static byte[] partialUdp(int payload) {
        byte[] f = Frames.ipv4(2, 1, 0xc0000201, 0xc0000202, 17, 1, Frames.udp(1, 2, Frames.pattern(payload, 3)));
        Bytes.u16(f, 40, Checksum.fold(Frames.pseudoHeaderV4(f, 14, 17, 8 + payload)));
        return f;
    }

    @Test
    void aStrippedVlanTagIsPutBackAndTheChecksumStartMovesWithIt() {
        byte[] f = partialUdp(100);
        ByteBuffer b = withVnet(f, VirtioNetHdr.F_NEEDS_CSUM, 0, 0, 34, 6);
        FrameBatch out = new FrameBatch(4096, 4);
        assertTrue(ingest.ingest(b, 10, f.length, f.length, 0x8100, 0x2005, 0, false, out));
        assertEquals(1, out.count());
        byte[] a = out.array();
        int o = out.offset(0);
        assertEquals(f.length + 4, out.length(0));
        assertEquals(0x8100, Bytes.u16(a, o + 12));
        assertEquals(0x2005, Bytes.u16(a, o + 14));
        assertEquals(0x0800, Bytes.u16(a, o + 16));
        // Check the UDP checksum of the untagged view of the frame.
        byte[] untagged = new byte[f.length];
        System.arraycopy(a, o, untagged, 0, 12);
        System.arraycopy(a, o + 16, untagged, 12, f.length - 12);
        Bytes.u16(untagged, 12, 0x0800);
        assertTrue(Frames.l4ChecksumOk(untagged, 0));
        assertTrue(out.checksumVerified(0));
        assertEquals(1, stats.checksumsCompleted());
    }

    @Test
    void truncatedFramesAndImpossibleOffsetsAreCountedNotDelivered() {
        byte[] f = partialUdp(100);
        FrameBatch out = new FrameBatch(4096, 4);
        assertTrue(ingest.ingest(withVnet(f, 0, 0, 0, 0, 0), 10, 60, f.length, FrameIngest.NO_VLAN, 0, 0, false, out));
        assertEquals(1, stats.droppedTruncated());
        assertTrue(ingest.ingest(withVnet(f, VirtioNetHdr.F_NEEDS_CSUM, 0, 0, 34, 500), 10, f.length, f.length,
                FrameIngest.NO_VLAN, 0, 0, false, out));
        assertEquals(1, stats.droppedBadOffload());
        assertEquals(0, out.count());
    }

    @Test
    void aFullBatchRefusesTheFrameSoItCanBeOfferedAgain() {
        byte[] f = partialUdp(1400);
        FrameBatch out = new FrameBatch(4096, 2);
        ByteBuffer b = withVnet(f, 0, 0, 0, 0, 0);
        assertTrue(ingest.ingest(b, 10, f.length, f.length, FrameIngest.NO_VLAN, 0, 0, true, out));
        assertTrue(ingest.ingest(b, 10, f.length, f.length, FrameIngest.NO_VLAN, 0, 0, false, out));
        assertFalse(ingest.ingest(b, 10, f.length, f.length, FrameIngest.NO_VLAN, 0, 0, false, out), "batch full");
        assertEquals(2, out.count());
        assertTrue(out.checksumVerified(0), "TP_STATUS_CSUM_VALID is passed on");
        assertFalse(out.checksumVerified(1));
        out.clear();
        assertTrue(ingest.ingest(b, 10, f.length, f.length, FrameIngest.NO_VLAN, 0, 0, false, out));
        assertEquals(1, out.count());
    }

    @Test
    void gsoFramesAreSplitAndUnsupportedOnesCounted() {
        byte[] sup = Frames.ipv4(2, 1, 0xc0000201, 0xc0000202, 6, 1, Frames.tcp(1, 2, 0, 0, 0x10, Frames.pattern(5000, 1)));
        FrameBatch out = new FrameBatch(64 * 1024, 64);
        assertTrue(ingest.ingest(withVnet(sup, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_TCPV4, 1448, 34, 16), 10,
                sup.length, sup.length, FrameIngest.NO_VLAN, 0, 0, false, out));
        assertEquals(4, out.count());
        assertEquals(1, stats.gsoFramesSplit());
        assertEquals(4, stats.gsoSegments());
        assertTrue(ingest.ingest(withVnet(sup, 0, VirtioNetHdr.GSO_UDP, 1448, 0, 0), 10, sup.length, sup.length,
                FrameIngest.NO_VLAN, 0, 0, false, out));
        assertEquals(1, stats.droppedGsoUnsupported());
        assertEquals(4, out.count());
    }

    static byte[] tcpSuperFrame(int payload) {
        return Frames.ipv4(2, 1, 0xc0000201, 0xc0000202, 6, 1, Frames.tcp(1, 2, 1000, 0, 0x18, Frames.pattern(payload, 1)));
    }

    @Test
    void withTheConsumersConsentATcpSuperFrameComesWholeMarkedWithItsSegmentSize() {
        ingest.takeTcpSuperFramesWhole(true);
        byte[] sup = tcpSuperFrame(60_000);
        FrameBatch out = new FrameBatch(128 * 1024, 64);
        assertTrue(ingest.ingest(withVnet(sup, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_TCPV4, 1448, 34, 16), 10,
                sup.length, sup.length, FrameIngest.NO_VLAN, 0, 0, false, out));
        assertEquals(1, out.count());
        assertEquals(sup.length, out.length(0));
        assertEquals(1448, out.gsoSize(0));
        assertTrue(out.checksumVerified(0), "the kernel vouches for a local sender's partial checksum");
        byte[] got = java.util.Arrays.copyOfRange(out.array(), out.offset(0), out.offset(0) + out.length(0));
        assertTrue(java.util.Arrays.equals(sup, got), "the bytes as they came: nothing summed, nothing rewritten");
        assertEquals(1, stats.gsoFramesWhole());
        assertEquals(0, stats.gsoFramesSplit());
        // An ordinary frame next to it carries no segment size.
        byte[] small = partialUdp(100);
        assertTrue(ingest.ingest(withVnet(small, 0, 0, 0, 0, 0), 10, small.length, small.length, FrameIngest.NO_VLAN, 0, 0,
                true, out));
        assertEquals(0, out.gsoSize(1));
    }

    @Test
    void withoutConsentOrForOtherKindsSuperFramesAreStillSplit() {
        byte[] sup = tcpSuperFrame(5000);
        FrameBatch out = new FrameBatch(128 * 1024, 64);
        assertTrue(ingest.ingest(withVnet(sup, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_TCPV4, 1448, 34, 16), 10,
                sup.length, sup.length, FrameIngest.NO_VLAN, 0, 0, false, out));
        assertEquals(4, out.count(), "the default: split");
        for (int i = 0; i < out.count(); i++) {
            assertEquals(0, out.gsoSize(i));
        }
        ingest.takeTcpSuperFramesWhole(true);
        out.clear();
        // UDP GSO (UDP_L4) is always cut into datagrams.
        byte[] udp = Frames.ipv4(2, 1, 0xc0000201, 0xc0000202, 17, 1, Frames.udp(1, 2, Frames.pattern(3000, 2)));
        assertTrue(ingest.ingest(withVnet(udp, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_UDP_L4, 1000, 34, 6), 10,
                udp.length, udp.length, FrameIngest.NO_VLAN, 0, 0, false, out));
        assertEquals(3, out.count());
        // A tagged frame, and one whose IPv4 total length disagrees with the frame, are split too.
        out.clear();
        assertTrue(ingest.ingest(withVnet(sup, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_TCPV4, 1448, 34, 16), 10,
                sup.length, sup.length, 0x8100, 0x0005, 0, false, out));
        assertEquals(4, out.count());
        out.clear();
        byte[] odd = sup.clone();
        Bytes.u16(odd, 16, sup.length - 14 - 4);
        ingest.ingest(withVnet(odd, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_TCPV4, 1448, 34, 16), 10,
                odd.length, odd.length, FrameIngest.NO_VLAN, 0, 0, false, out);
        for (int i = 0; i < out.count(); i++) {
            assertEquals(0, out.gsoSize(i));
        }
        assertEquals(0, stats.gsoFramesWhole());
    }
}
