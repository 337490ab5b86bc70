package org.alpenstack.kernel.bench;

import org.alpenstack.kernel.wire.Checksum;
import org.alpenstack.kernel.wire.EthernetFrame;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.alpenstack.kernel.wire.TcpHeader;

/**
 * Reading and patching the TCP header of an Ethernet/IPv4 frame (20-byte IP header, as the stacks
 * emit them) for the benchmarks that replay a captured segment: the sequence and acknowledgment
 * numbers change, the checksum follows incrementally (RFC 1624).
 */
final class Frames {
    static final int TCP = EthernetFrame.HEADER_LEN + Ipv4Packet.HEADER_LEN;

    private Frames() {
    }

    static int seq(byte[] f) {
        return TcpHeader.sequenceNumber(f, TCP);
    }

    static int payloadLength(byte[] f, int frameLength) {
        return frameLength - TCP - TcpHeader.headerLength(f, TCP);
    }

    static void setSeq(byte[] f, int seq) {
        int old = TcpHeader.sequenceNumber(f, TCP);
        TcpHeader.sequenceNumber(f, TCP, seq);
        patchChecksum(f, old, seq);
    }

    static void setAck(byte[] f, int ack) {
        int old = TcpHeader.acknowledgmentNumber(f, TCP);
        TcpHeader.acknowledgmentNumber(f, TCP, ack);
        patchChecksum(f, old, ack);
    }

    private static void patchChecksum(byte[] f, int oldValue, int newValue) {
        int at = TCP + TcpHeader.CHECKSUM;
        int sum = (f[at] & 0xff) << 8 | (f[at + 1] & 0xff);
        sum = Checksum.update32(sum, oldValue, newValue);
        f[at] = (byte) (sum >>> 8);
        f[at + 1] = (byte) sum;
    }
}
