package org.alpenstack.kernel.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.TcpFlags;
import org.alpenstack.kernel.wire.TcpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Transmit offloads done in software: a partial checksum completed, a TCP super-segment cut into wire segments. */
class SoftwareOffloadTest {
    private static final int SRC = 0x0a000001;
    private static final int DST = 0x0a000002;
    private final BufferPool pool = new BufferPool(64, true);

    @AfterEach
    void noLeaks() {
        pool.assertNoLeaks();
    }

    /**
     * An Ethernet frame with an IPv4/TCP super-segment of {@code payload} bytes (timestamps-sized
     * options), partial checksum as the stack leaves it, gso_size {@code gso}.
     */
    private PacketBuffer superFrame(int payload, int gso, int flags) {
        int tcpHeader = 32;
        PacketBuffer b = pool.acquire(BufferPool.DEFAULT_HEADROOM, 14 + 20 + tcpHeader + payload);
        int at = b.append(14 + 20 + tcpHeader + payload);
        byte[] a = b.array();
        Bytes.u48(a, at, 0x02_00_00_00_00_02L);
        Bytes.u48(a, at + 6, 0x02_00_00_00_00_01L);
        Bytes.u16(a, at + 12, 0x0800);
        int ip = at + 14;
        Ipv4Packet.emit(a, ip, SRC, DST, 6, tcpHeader + payload, 64, 0, 0xfffe, Ipv4Packet.FLAG_DONT_FRAGMENT);
        int tcp = ip + 20;
        TcpHeader.sourcePort(a, tcp, 80);
        TcpHeader.destinationPort(a, tcp, 40000);
        TcpHeader.sequenceNumber(a, tcp, 0xffff_f000);
        TcpHeader.acknowledgmentNumber(a, tcp, 7);
        TcpHeader.headerLengthAndFlags(a, tcp, tcpHeader, flags);
        TcpHeader.window(a, tcp, 512);
        for (int i = 20; i < tcpHeader; i++) {
            a[tcp + i] = 1; // NOP options
        }
        for (int i = 0; i < payload; i++) {
            a[tcp + tcpHeader + i] = (byte) (i * 7 + (i >>> 8));
        }
        Bytes.u16(a, tcp + TcpHeader.CHECKSUM, Checksum.fold(Checksum.pseudoHeader(SRC, DST, 6, tcpHeader + payload)));
        b.checksumPartial(34, TcpHeader.CHECKSUM).gsoSize(gso);
        return b;
    }

    private static byte[] bytes(PacketBuffer p) {
        byte[] c = new byte[p.length()];
        System.arraycopy(p.array(), p.start(), c, 0, c.length);
        return c;
    }

    @Test
    void aSuperSegmentBecomesWireSegmentsWithTheFieldsATsoEngineRewrites() {
        int flags = TcpFlags.ACK | TcpFlags.PSH | TcpFlags.FIN | TcpFlags.CWR;
        PacketBuffer s = superFrame(10_000, 1448, flags);
        byte[] original = bytes(s);
        List<byte[]> out = new ArrayList<>();
        int n = SoftwareOffload.finishFrame(s, pool, p -> {
            assertFalse(p.hasOffload());
            out.add(bytes(p));
            p.release();
        });
        assertEquals(7, n, "ceil(10000 / 1448)");
        assertEquals(7, out.size());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < out.size(); i++) {
            byte[] f = out.get(i);
            int len = i < 6 ? 1448 : 10_000 - 6 * 1448;
            assertEquals(14 + 20 + 32 + len, f.length);
            assertArrayEquals(java.util.Arrays.copyOf(original, 14), java.util.Arrays.copyOf(f, 14), "Ethernet header repeated");
            assertEquals(20 + 32 + len, Ipv4Packet.totalLength(f, 14));
            assertEquals((0xfffe + i) & 0xffff, Bytes.u16(f, 14 + Ipv4Packet.IDENTIFICATION), "identification per segment, wrapping");
            assertTrue(Ipv4Packet.verifyChecksum(f, 14), "IPv4 header checksum");
            assertEquals(0xffff_f000 + i * 1448, TcpHeader.sequenceNumber(f, 34), "sequence numbers across the wrap");
            int fl = TcpHeader.flags(f, 34);
            assertEquals(i == 6, (fl & TcpFlags.FIN) != 0, "FIN on the last only");
            assertEquals(i == 6, (fl & TcpFlags.PSH) != 0, "PSH on the last only");
            assertEquals(i == 0, (fl & TcpFlags.CWR) != 0, "CWR on the first only (RFC 3168 6.1.2)");
            assertTrue(TcpHeader.verifyChecksum(f, 34, f.length - 34, SRC, DST), "complete TCP checksum of segment " + i);
            data.write(f, 14 + 20 + 32, len);
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(original, 66, original.length), data.toByteArray(), "payload in order");
    }

    @Test
    void aPartialChecksumAloneIsCompletedInPlace() {
        PacketBuffer s = superFrame(1000, 0, TcpFlags.ACK);
        PacketBuffer[] seen = new PacketBuffer[1];
        assertEquals(1, SoftwareOffload.finishFrame(s, pool, p -> seen[0] = p));
        assertTrue(seen[0] == s, "no copy for a checksum");
        assertFalse(s.hasOffload());
        assertTrue(TcpHeader.verifyChecksum(s.array(), s.start() + 34, s.length() - 34, SRC, DST));
        s.release();
    }

    @Test
    void aCopyKeepsTheOffloadRequestsAtTheSamePlace() {
        PacketBuffer s = superFrame(3000, 1000, TcpFlags.ACK);
        PacketBuffer c = s.copy(pool, 40);
        s.release();
        assertEquals(34, c.checksumStart());
        assertEquals(TcpHeader.CHECKSUM, c.checksumOffset());
        assertEquals(1000, c.gsoSize());
        assertEquals(3, SoftwareOffload.finishFrame(c, pool, p -> {
            assertTrue(TcpHeader.verifyChecksum(p.array(), p.start() + 34, p.length() - 34, SRC, DST));
            p.release();
        }));
    }
}
