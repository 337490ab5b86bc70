package org.alpenstack.link.afpacket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.link.afpacket.sys.VirtioNetHdr;
import org.junit.jupiter.api.Test;

/** Splitting GSO super-frames the way a segmentation engine does. */
class GsoSegmenterTest {
    static final long MAC_A = 0x0200_0000_000aL;
    static final long MAC_B = 0x0200_0000_000bL;
    static final int SRC = 0xc0000201;
    static final int DST = 0xc0000202;
    static final int TCP_FIN = 0x01;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;
    static final int TCP_CWR = 0x80;

    @Test
    void tcpV4SuperFrameBecomesMssSizedSegmentsWithCorrectHeaders() {
        byte[] payload = Frames.pattern(4000, 7);
        int seq = 0xfffff000; // wraps during the split
        byte[] sup = Frames.ipv4(MAC_B, MAC_A, SRC, DST, 6, 0x1234,
                Frames.tcp(40000, 80, seq, 99, TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR, payload));
        FrameBatch out = new FrameBatch(64 * 1024, 64);
        int n = GsoSegmenter.segment(sup, 0, sup.length, VirtioNetHdr.GSO_TCPV4 | VirtioNetHdr.GSO_ECN, 1448, out);

        assertEquals(3, n);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            byte[] a = out.array();
            int o = out.offset(i);
            int len = out.length(i);
            int chunk = i < 2 ? 1448 : 4000 - 2 * 1448;
            assertEquals(14 + 20 + 20 + chunk, len);
            assertEquals(20 + 20 + chunk, Bytes.u16(a, o + 16), "IPv4 total length");
            assertEquals(0x1234 + i, Bytes.u16(a, o + 18), "IP ID increments per segment");
            assertTrue(Frames.ipv4HeaderChecksumOk(a, o));
            assertTrue(Frames.l4ChecksumOk(a, o), "TCP checksum of segment " + i);
            assertEquals(seq + i * 1448, Bytes.u32(a, o + 34 + 4), "sequence number");
            int flags = a[o + 34 + 13] & 0xff;
            assertEquals(i == 2, (flags & TCP_FIN) != 0, "FIN only on the last");
            assertEquals(i == 2, (flags & TCP_PSH) != 0, "PSH only on the last");
            assertEquals(i == 0, (flags & TCP_CWR) != 0, "CWR only on the first");
            assertTrue((flags & TCP_ACK) != 0);
            assertTrue(out.checksumVerified(i));
            joined.write(a, o + 54, chunk);
        }
        assertArrayEquals(payload, joined.toByteArray());
    }

    @Test
    void tcpV6SuperFrameSetsPayloadLength() {
        byte[] payload = Frames.pattern(3000, 3);
        byte[] tcp = Frames.tcp(1, 2, 1000, 0, TCP_ACK, payload);
        byte[] f = new byte[14 + 40 + tcp.length];
        Frames.ethernet(f, MAC_B, MAC_A, Frames.ETH_IPV6);
        f[14] = 0x60;
        Bytes.u16(f, 18, tcp.length);
        f[20] = 6;
        f[21] = 64;
        f[22] = 0x20;
        f[23] = 0x01;
        f[38] = 0x20;
        f[39] = 0x01;
        f[53] = 2;
        System.arraycopy(tcp, 0, f, 54, tcp.length);
        FrameBatch out = new FrameBatch(64 * 1024, 64);
        int n = GsoSegmenter.segment(f, 0, f.length, VirtioNetHdr.GSO_TCPV6, 1220, out);
        assertEquals(3, n);
        for (int i = 0; i < n; i++) {
            int o = out.offset(i);
            int chunk = Math.min(1220, 3000 - i * 1220);
            assertEquals(20 + chunk, Bytes.u16(out.array(), o + 18), "IPv6 payload length");
            assertTrue(Frames.l4ChecksumOk(out.array(), o));
            assertEquals(1000 + i * 1220, Bytes.u32(out.array(), o + 54 + 4));
        }
    }

    @Test
    void udpL4SuperFrameBecomesDatagramsWithTheirOwnHeaders() {
        byte[] payload = Frames.pattern(2500, 1);
        byte[] sup = Frames.ipv4(MAC_B, MAC_A, SRC, DST, 17, 7, Frames.udp(5000, 6000, payload));
        FrameBatch out = new FrameBatch(64 * 1024, 64);
        int n = GsoSegmenter.segment(sup, 0, sup.length, VirtioNetHdr.GSO_UDP_L4, 1000, out);
        assertEquals(3, n);
        for (int i = 0; i < n; i++) {
            int o = out.offset(i);
            int chunk = Math.min(1000, 2500 - i * 1000);
            assertEquals(8 + chunk, Bytes.u16(out.array(), o + 34 + 4), "UDP length");
            assertTrue(Frames.l4ChecksumOk(out.array(), o));
            assertEquals(5000, Bytes.u16(out.array(), o + 34));
        }
    }

    @Test
    void ufoAndGarbageAreRefusedWithoutWritingAnything() {
        byte[] sup = Frames.ipv4(MAC_B, MAC_A, SRC, DST, 17, 7, Frames.udp(5000, 6000, new byte[3000]));
        FrameBatch out = new FrameBatch(64 * 1024, 64);
        assertEquals(GsoSegmenter.UNSUPPORTED, GsoSegmenter.segment(sup, 0, sup.length, VirtioNetHdr.GSO_UDP, 1000, out));
        assertEquals(GsoSegmenter.MALFORMED, GsoSegmenter.segment(sup, 0, sup.length, VirtioNetHdr.GSO_TCPV4, 1000, out),
                "TCP GSO on a UDP packet");
        assertEquals(GsoSegmenter.MALFORMED, GsoSegmenter.segment(sup, 0, sup.length, VirtioNetHdr.GSO_UDP_L4, 0, out));
        assertEquals(GsoSegmenter.MALFORMED, GsoSegmenter.segment(sup, 0, 20, VirtioNetHdr.GSO_UDP_L4, 1000, out));
        assertEquals(0, out.count());
    }

    @Test
    void aFullBatchIsReportedBeforeAnySegmentIsWritten() {
        byte[] sup = Frames.ipv4(MAC_B, MAC_A, SRC, DST, 6, 1, Frames.tcp(1, 2, 0, 0, TCP_ACK, new byte[60000]));
        FrameBatch out = new FrameBatch(32 * 1024, 64);
        assertEquals(GsoSegmenter.NO_ROOM, GsoSegmenter.segment(sup, 0, sup.length, VirtioNetHdr.GSO_TCPV4, 1448, out));
        assertEquals(0, out.count());
    }
}
