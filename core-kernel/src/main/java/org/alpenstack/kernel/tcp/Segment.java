package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.wire.Bytes;
import org.alpenstack.kernel.wire.Checksum;

/**
 * One arriving segment, parsed into the variables RFC 9293 section 3.10.7 reasons about
 * (SEG.SEQ, SEG.ACK, SEG.LEN, SEG.WND ...) plus its options. A {@link TcpLayer} owns exactly one
 * and reuses it for every segment, so parsing allocates nothing; the payload is not copied, it
 * stays in the lent packet and is only valid during {@code receive}.
 */
final class Segment {
    static final int HEADER_MIN = 20;
    static final int MAX_SACK_BLOCKS = 4;

    int srcAddr;
    int dstAddr;
    /** The TOS byte, whose low two bits carry ECN (RFC 3168). */
    int tos;

    int srcPort;
    int dstPort;
    int seq;
    int ack;
    int flags;
    /** SEG.WND as on the wire, not yet shifted by the window scale. */
    int window;
    int urgent;

    /** MSS option value, or 0 when absent (RFC 9293 3.7.1). */
    int mss;
    /** Window-scale shift count, or -1 when absent (RFC 7323 2.2). */
    int windowScale;
    boolean sackPermitted;
    boolean hasTimestamp;
    int tsVal;
    int tsEcr;
    int sackBlocks;
    final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    final int[] sackRight = new int[MAX_SACK_BLOCKS];

    byte[] data;
    int dataOffset;
    int dataLength;

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** SEG.LEN: the payload plus one for each of SYN and FIN (RFC 9293 3.4). */
    int segLen() {
        return dataLength + ((flags & TcpFlags.SYN) != 0 ? 1 : 0) + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
    }

    /**
     * Parses and verifies {@code p} (TCP header onwards); returns null when the segment is fit
     * for the state machine, or why it must be dropped.
     */
    DropReason parse(IpPacketInfo ip, PacketBuffer p) {
        byte[] a = p.array();
        int off = p.start();
        int len = p.length();
        if (len < HEADER_MIN) {
            return DropReason.TCP_TRUNCATED;
        }
        int headerLength = (Bytes.u8(a, off + 12) >>> 4) * 4;
        if (headerLength < HEADER_MIN || headerLength > len) {
            return DropReason.TCP_BAD_DATA_OFFSET;
        }
        if (!Checksum.verify(a, off, len, ip.source, ip.destination, TcpLayer.PROTOCOL)) {
            return DropReason.TCP_BAD_CHECKSUM;
        }
        srcAddr = ip.source;
        dstAddr = ip.destination;
        tos = ip.tos;
        srcPort = Bytes.u16(a, off);
        dstPort = Bytes.u16(a, off + 2);
        seq = Bytes.u32(a, off + 4);
        ack = Bytes.u32(a, off + 8);
        flags = Bytes.u8(a, off + 13);
        window = Bytes.u16(a, off + 14);
        urgent = Bytes.u16(a, off + 18);
        parseOptions(a, off + HEADER_MIN, off + headerLength);
        data = a;
        dataOffset = off + headerLength;
        dataLength = len - headerLength;
        return null;
    }

    /**
     * RFC 9293 3.2 and 3.7, RFC 7323, RFC 2018. Like Linux's tcp_parse_options, an option with
     * an impossible length ends parsing and the options seen so far stand (RFC 9293 3.2 asks a
     * TCP to be prepared for illegal lengths; dropping the whole segment would make us stricter
     * than the peers we talk to). Options of the wrong size are ignored one by one.
     */
    private void parseOptions(byte[] a, int i, int end) {
        mss = 0;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamp = false;
        sackBlocks = 0;
        while (i < end) {
            int kind = a[i] & 0xff;
            if (kind == 0) {
                return;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return;
            }
            int olen = a[i + 1] & 0xff;
            if (olen < 2 || i + olen > end) {
                return;
            }
            switch (kind) {
                case 2:
                    if (olen == 4 && (flags & TcpFlags.SYN) != 0) {
                        mss = Bytes.u16(a, i + 2);
                    }
                    break;
                case 3:
                    if (olen == 3 && (flags & TcpFlags.SYN) != 0) {
                        // RFC 7323 2.3: a shift above 14 is treated as 14.
                        windowScale = Math.min(a[i + 2] & 0xff, 14);
                    }
                    break;
                case 4:
                    if (olen == 2 && (flags & TcpFlags.SYN) != 0) {
                        sackPermitted = true;
                    }
                    break;
                case 5:
                    if (olen >= 10 && (olen - 2) % 8 == 0) {
                        int n = Math.min((olen - 2) / 8, MAX_SACK_BLOCKS);
                        for (int b = 0; b < n; b++) {
                            sackLeft[b] = Bytes.u32(a, i + 2 + 8 * b);
                            sackRight[b] = Bytes.u32(a, i + 6 + 8 * b);
                        }
                        sackBlocks = n;
                    }
                    break;
                case 8:
                    if (olen == 10) {
                        hasTimestamp = true;
                        tsVal = Bytes.u32(a, i + 2);
                        tsEcr = Bytes.u32(a, i + 6);
                    }
                    break;
                default:
                    break;
            }
            i += olen;
        }
    }

    @Override
    public String toString() {
        return TcpFlags.toString(flags) + " " + srcPort + ">" + dstPort + " seq=" + Integer.toUnsignedString(seq)
                + " ack=" + Integer.toUnsignedString(ack) + " win=" + window + " len=" + dataLength;
    }
}
