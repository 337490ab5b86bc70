package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.SoftwareOffload;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.TcpFlags;
import org.alpenstack.kernel.wire.TcpHeader;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two segmenters, core-kernel's {@link SoftwareOffload} (our own TSO request meeting a link
 * that cannot do it) and {@link GsoSegmenter} (a peer's GSO frame received through
 * PACKET_VNET_HDR), cut the same IPv4/TCP super-segment into the same wire segments, byte for
 * byte: both are the one TSO engine seen from two sides.
 */
class SegmentationParityTest {
    private static final int SRC = 0xc0000201;
    private static final int DST = 0xc0000202;
    private final BufferPool pool = new BufferPool(64, true);

    @AfterEach
    void noLeaks() {
        pool.assertNoLeaks();
    }

    /**
     * An Ethernet (optionally 802.1Q-tagged) IPv4/TCP super-frame: {@code ipOptions} bytes of IP
     * options, a 32-byte TCP header (options), {@code payload} bytes, identification {@code id}.
     */
    private static byte[] superFrame(boolean vlan, int ipOptions, int payload, int id, int flags) {
        int l3 = vlan ? 18 : 14;
        int ihl = 20 + ipOptions;
        int thl = 32;
        byte[] f = new byte[l3 + ihl + thl + payload];
        Bytes.u48(f, 0, 0x02_00_00_00_00_0bL);
        Bytes.u48(f, 6, 0x02_00_00_00_00_0aL);
        if (vlan) {
            Bytes.u16(f, 12, 0x8100);
            Bytes.u16(f, 14, 0x2007);
        }
        Bytes.u16(f, l3 - 2, 0x0800);
        Ipv4Packet.emit(f, l3, SRC, DST, 6, 0, 64, 0, id, Ipv4Packet.FLAG_DONT_FRAGMENT);
        f[l3] = (byte) (0x40 | ihl / 4);
        for (int i = 20; i < ihl; i++) {
            f[l3 + i] = 1; // NOP options
        }
        Bytes.u16(f, l3 + Ipv4Packet.TOTAL_LENGTH, ihl + thl + payload);
        Ipv4Packet.fillChecksum(f, l3);
        int tcp = l3 + ihl;
        TcpHeader.sourcePort(f, tcp, 40000);
        TcpHeader.destinationPort(f, tcp, 80);
        TcpHeader.sequenceNumber(f, tcp, 0xffff_f000); // wraps during the cut
        TcpHeader.acknowledgmentNumber(f, tcp, 0x1234_5678);
        TcpHeader.headerLengthAndFlags(f, tcp, thl, flags);
        TcpHeader.window(f, tcp, 502);
        for (int i = 20; i < thl; i++) {
            f[tcp + i] = 1;
        }
        byte[] data = Frames.pattern(payload, 11);
        System.arraycopy(data, 0, f, tcp + thl, payload);
        // A checksum field neither segmenter must trust: both sum each segment from scratch.
        Bytes.u16(f, tcp + TcpHeader.CHECKSUM, 0xbeef);
        return f;
    }

    private List<byte[]> viaSoftwareOffload(byte[] f, int gso) {
        PacketBuffer p = pool.acquire(BufferPool.DEFAULT_HEADROOM, f.length);
        System.arraycopy(f, 0, p.array(), p.append(f.length), f.length);
        int l3 = Bytes.u16(f, 12) == 0x8100 ? 18 : 14;
        int l4 = l3 + Ipv4Packet.headerLength(f, l3);
        p.checksumPartial(l4, TcpHeader.CHECKSUM).gsoSize(gso);
        List<byte[]> out = new ArrayList<>();
        SoftwareOffload.finishFrame(p, pool, s -> {
            byte[] c = new byte[s.length()];
            System.arraycopy(s.array(), s.start(), c, 0, c.length);
            out.add(c);
            s.release();
        });
        return out;
    }

    private static List<byte[]> viaGsoSegmenter(byte[] f, int gso, boolean ecn) {
        FrameBatch batch = new FrameBatch(128 * 1024, 64);
        int type = VirtioNetHdr.GSO_TCPV4 | (ecn ? VirtioNetHdr.GSO_ECN : 0);
        int n = GsoSegmenter.segment(f, 0, f.length, type, gso, batch);
        assertTrue(n > 0, "segmented: " + n);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] c = new byte[batch.length(i)];
            System.arraycopy(batch.array(), batch.offset(i), c, 0, c.length);
            out.add(c);
        }
        return out;
    }

    private void sameSegments(byte[] f, int gso, int expectedCount, boolean ecn) {
        List<byte[]> soft = viaSoftwareOffload(f, gso);
        List<byte[]> gsoOut = viaGsoSegmenter(f, gso, ecn);
        assertEquals(expectedCount, soft.size(), "SoftwareOffload segments");
        assertEquals(expectedCount, gsoOut.size(), "GsoSegmenter segments");
        for (int i = 0; i < expectedCount; i++) {
            byte[] s = soft.get(i);
            assertArrayEquals(s, gsoOut.get(i), "segment " + i + " of " + expectedCount);
            // And the shared result is a correct wire segment, not two equal mistakes.
            int l3 = Bytes.u16(s, 12) == 0x8100 ? 18 : 14;
            int l4 = l3 + Ipv4Packet.headerLength(s, l3);
            assertTrue(Ipv4Packet.verifyChecksum(s, l3), "IPv4 header checksum of segment " + i);
            assertEquals(s.length - l3, Ipv4Packet.totalLength(s, l3));
            assertTrue(TcpHeader.verifyChecksum(s, l4, s.length - l4, SRC, DST), "TCP checksum of segment " + i);
        }
    }

    @Test
    void finPshAndCwrWithAnOddFinalSegmentCutTheSameWay() {
        int flags = TcpFlags.ACK | TcpFlags.PSH | TcpFlags.FIN | TcpFlags.CWR | TcpFlags.ECE;
        byte[] f = superFrame(false, 0, 10_001, 0xfffe, flags); // 6 x 1448 + 1313: odd last
        sameSegments(f, 1448, 7, true);
        List<byte[]> segs = viaSoftwareOffload(f, 1448);
        for (int i = 0; i < segs.size(); i++) {
            int fl = TcpHeader.flags(segs.get(i), 34);
            assertEquals(i == 6, (fl & (TcpFlags.FIN | TcpFlags.PSH)) != 0, "FIN/PSH on the last only");
            assertEquals(i == 0, (fl & TcpFlags.CWR) != 0, "CWR on the first only");
            assertTrue((fl & TcpFlags.ECE) != 0, "ECE on every segment");
            assertEquals((0xfffe + i) & 0xffff, Bytes.u16(segs.get(i), 14 + Ipv4Packet.IDENTIFICATION));
        }
        assertEquals(14 + 20 + 32 + 1313, segs.get(6).length);
    }

    @Test
    void vlanTagAndIpOptionsCutTheSameWay() {
        byte[] f = superFrame(true, 8, 4 * 1000 + 1, 7, TcpFlags.ACK | TcpFlags.PSH);
        sameSegments(f, 1000, 5, false);
    }

    @Test
    void anExactMultipleAndASingleShortSegmentCutTheSameWay() {
        sameSegments(superFrame(false, 0, 2 * 1448, 1, TcpFlags.ACK | TcpFlags.FIN), 1448, 2, false);
        sameSegments(superFrame(false, 0, 99, 1, TcpFlags.ACK | TcpFlags.PSH | TcpFlags.CWR), 1448, 1, true);
    }
}
