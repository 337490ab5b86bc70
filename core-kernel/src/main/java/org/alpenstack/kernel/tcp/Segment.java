package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.wire.TcpFlags;
import org.alpenstack.kernel.wire.TcpHeader;
import org.alpenstack.kernel.wire.TcpOptions;

/**
 * One arriving segment, parsed into the variables RFC 9293 section 3.10.7 reasons about
 * (SEG.SEQ, SEG.ACK, SEG.LEN, SEG.WND ...) plus its options. A {@link TcpLayer} owns exactly one
 * and reuses it for every segment, so parsing allocates nothing; the payload is not copied, it
 * stays in the lent packet and is only valid during {@code receive}.
 */
final class Segment {
    static final int MAX_SACK_BLOCKS = TcpOptions.MAX_SACK_BLOCKS;

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
    /**
     * The wire segments this one stands for: ceil(SEG.LEN payload / gso_size) for a super-packet
     * the link driver coalesced ({@link IpPacketInfo#receivedGsoSize}), else 1 (Linux tcp_segs_in:
     * max(1, gso_segs)).
     */
    int wireSegments;
    /** The payload of the largest wire segment among them: gso_size for a coalesced one, else the payload. */
    int wireSegmentLength;

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** SEG.LEN: the payload plus one for each of SYN and FIN (RFC 9293 3.4). */
    int segLen() {
        return dataLength + ((flags & TcpFlags.SYN) != 0 ? 1 : 0) + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
    }

    /** The options of the segment at hand, parsed into one reused holder. */
    private final TcpOptions options = new TcpOptions();

    /**
     * Parses and verifies {@code p} (TCP header onwards) through the {@link TcpHeader} view;
     * returns null when the segment is fit for the state machine, or why it must be dropped
     * (truncated, bad data offset, bad checksum, malformed options: see {@link TcpOptions#parse}).
     */
    DropReason parse(IpPacketInfo ip, PacketBuffer p) {
        byte[] a = p.array();
        int off = p.start();
        int len = p.length();
        DropReason bad = TcpHeader.check(a, off, len);
        if (bad != null) {
            return bad;
        }
        // Skipped only on the link driver's word (the kernel verified it); otherwise every byte is summed.
        if (!ip.transportChecksumVerified && !TcpHeader.verifyChecksum(a, off, len, ip.source, ip.destination)) {
            return DropReason.TCP_BAD_CHECKSUM;
        }
        int headerLength = TcpHeader.headerLength(a, off);
        bad = TcpOptions.parse(a, off + TcpHeader.OPTIONS, headerLength - TcpHeader.HEADER_LEN, options);
        if (bad != null) {
            return bad;
        }
        srcAddr = ip.source;
        dstAddr = ip.destination;
        tos = ip.tos;
        srcPort = TcpHeader.sourcePort(a, off);
        dstPort = TcpHeader.destinationPort(a, off);
        seq = TcpHeader.sequenceNumber(a, off);
        ack = TcpHeader.acknowledgmentNumber(a, off);
        flags = TcpHeader.flags(a, off) & 0xff;
        window = TcpHeader.window(a, off);
        urgent = TcpHeader.urgentPointer(a, off);
        // MSS, window scale and SACK-permitted mean something only on a SYN (RFC 9293 3.7.1,
        // RFC 7323 2.2, RFC 2018 2); elsewhere they are ignored.
        boolean syn = (flags & TcpFlags.SYN) != 0;
        mss = syn && options.hasMss() ? options.mss() : 0;
        windowScale = syn && options.hasWindowScale() ? options.windowScale() : -1;
        sackPermitted = syn && options.sackPermitted();
        hasTimestamp = options.hasTimestamps();
        tsVal = options.tsVal();
        tsEcr = options.tsEcr();
        sackBlocks = options.sackBlockCount();
        for (int b = 0; b < sackBlocks; b++) {
            sackLeft[b] = options.sackLeft(b);
            sackRight[b] = options.sackRight(b);
        }
        data = a;
        dataOffset = off + headerLength;
        dataLength = len - headerLength;
        int gso = ip.receivedGsoSize;
        wireSegments = gso > 0 && dataLength > gso ? (dataLength + gso - 1) / gso : 1;
        wireSegmentLength = wireSegments > 1 ? gso : dataLength;
        return null;
    }

    @Override
    public String toString() {
        return TcpFlags.toString(flags) + " " + srcPort + ">" + dstPort + " seq=" + Integer.toUnsignedString(seq)
                + " ack=" + Integer.toUnsignedString(ack) + " win=" + window + " len=" + dataLength;
    }
}
