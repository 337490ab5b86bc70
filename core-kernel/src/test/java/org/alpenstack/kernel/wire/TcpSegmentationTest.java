package org.alpenstack.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-segment rewrite shared by both software segmenters. */
class TcpSegmentationTest {
    @Test
    void finAndPshStayOnTheLastSegmentCwrOnTheFirstEceOnAll() {
        int all = TcpFlags.ACK | TcpFlags.PSH | TcpFlags.FIN | TcpFlags.CWR | TcpFlags.ECE | TcpFlags.URG;
        assertEquals(all, TcpSegmentation.flags(all, true, true), "a lone segment keeps everything");
        assertEquals(TcpFlags.ACK | TcpFlags.CWR | TcpFlags.ECE | TcpFlags.URG, TcpSegmentation.flags(all, true, false));
        assertEquals(TcpFlags.ACK | TcpFlags.ECE | TcpFlags.URG, TcpSegmentation.flags(all, false, false));
        assertEquals(TcpFlags.ACK | TcpFlags.PSH | TcpFlags.FIN | TcpFlags.ECE | TcpFlags.URG,
                TcpSegmentation.flags(all, false, true));
        assertEquals(0, TcpSegmentation.flags(TcpFlags.NS, true, true) & ~0xff, "only the flags byte is returned");
    }

    @Test
    void ipv4AndTcpRewriteLengthIdSequenceFlagsAndBothChecksumsButNotTheDataOffsetByte() {
        int src = 0x0a000001;
        int dst = 0x0a000002;
        byte[] a = new byte[20 + 20 + 5];
        Ipv4Packet.emit(a, 0, src, dst, IpProtocol.TCP, 9999, 64, 0, 0xffff, Ipv4Packet.FLAG_DONT_FRAGMENT);
        TcpHeader.headerLengthAndFlags(a, 20, 20, TcpFlags.NS | TcpFlags.ACK | TcpFlags.FIN);
        a[20 + TcpHeader.DATA_OFFSET] |= 0x0e; // reserved bits: copied, as a TSO engine copies them
        for (int i = 0; i < 5; i++) {
            a[40 + i] = (byte) (0x31 * i + 1);
        }
        TcpSegmentation.ipv4(a, 0, 45, 0xffff + 2);
        TcpSegmentation.tcp(a, 20, 25, 0xffff_fff0, TcpFlags.ACK, Checksum.pseudoHeader(src, dst, IpProtocol.TCP, 25));
        assertEquals(45, Ipv4Packet.totalLength(a, 0));
        assertEquals(1, Bytes.u16(a, Ipv4Packet.IDENTIFICATION), "identification wraps");
        assertTrue(Ipv4Packet.verifyChecksum(a, 0));
        assertEquals(0xffff_fff0, TcpHeader.sequenceNumber(a, 20));
        assertEquals(TcpFlags.ACK, Bytes.u8(a, 20 + TcpHeader.FLAGS));
        assertEquals(0x5f, Bytes.u8(a, 20 + TcpHeader.DATA_OFFSET), "data offset, reserved and AE/NS bits as copied");
        assertTrue(TcpHeader.verifyChecksum(a, 20, 25, src, dst), "odd-length segment summed with its padding byte");
    }
}
