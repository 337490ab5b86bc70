package org.alpenstack.kernel.wire;

import org.alpenstack.kernel.stack.DropReason;

/**
 * A TCP header (RFC 9293 section 3.1) seen through static accessors over {@code (array, offset)}.
 * Sequence and acknowledgment numbers come back as int bit patterns; compare them only with
 * {@code org.alpenstack.kernel.tcp.SeqNum}. After {@link #check} passes, the whole header
 * (options included) is inside the range; the options are read by {@link TcpOptions#parse}.
 */
public final class TcpHeader {
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int SEQUENCE_NUMBER = 4;
    public static final int ACKNOWLEDGMENT_NUMBER = 8;
    /** Data offset in the high nibble, three reserved bits, then NS. */
    public static final int DATA_OFFSET = 12;
    public static final int FLAGS = 13;
    public static final int WINDOW = 14;
    public static final int CHECKSUM = 16;
    public static final int URGENT_POINTER = 18;
    public static final int OPTIONS = 20;
    public static final int HEADER_LEN = 20;
    /** The data offset is four bits of 32-bit words: at most 60 bytes, 40 of them options. */
    public static final int MAX_HEADER_LEN = 60;

    private TcpHeader() {
    }

    /**
     * Null if {@code len} bytes at {@code off} (the whole segment) hold a header whose data
     * offset is at least 5 words and within the segment, else the reason to drop (Linux's
     * tcp_v4_rcv: a data offset below 5 is a bad packet, one beyond the segment cannot be pulled).
     */
    public static DropReason check(byte[] a, int off, int len) {
        if (len < HEADER_LEN) {
            return DropReason.TCP_TRUNCATED;
        }
        int headerLen = headerLength(a, off);
        if (headerLen < HEADER_LEN || headerLen > len) {
            return DropReason.TCP_BAD_DATA_OFFSET;
        }
        return null;
    }

    /**
     * Writes the header and {@code options} (null for none) in front of the
     * {@code payloadLength} bytes already after them, then the checksum over everything: the
     * hot-path form of {@link TcpRepr#emit}. The payload must start at
     * {@code off + 20 + options.bufferLen()}. Returns the header length.
     */
    public static int emit(byte[] a, int off, int sourcePort, int destinationPort, int seq, int ack, int flags,
                           int window, int urgentPointer, TcpOptions options, int payloadLength,
                           int sourceIp, int destinationIp) {
        int headerLen = HEADER_LEN + (options == null ? 0 : options.emit(a, off + OPTIONS));
        Bytes.u16(a, off + SOURCE_PORT, sourcePort);
        Bytes.u16(a, off + DESTINATION_PORT, destinationPort);
        Bytes.u32(a, off + SEQUENCE_NUMBER, seq);
        Bytes.u32(a, off + ACKNOWLEDGMENT_NUMBER, ack);
        headerLengthAndFlags(a, off, headerLen, flags);
        Bytes.u16(a, off + WINDOW, window);
        Bytes.u16(a, off + URGENT_POINTER, urgentPointer);
        fillChecksum(a, off, headerLen + payloadLength, sourceIp, destinationIp);
        return headerLen;
    }

    /** True if the checksum over the pseudo-header and all {@code len} bytes of the segment is right. */
    public static boolean verifyChecksum(byte[] a, int off, int len, int source, int destination) {
        return Checksum.verify(a, off, len, source, destination, IpProtocol.TCP);
    }

    /** Computes and writes the checksum of the {@code len}-byte segment (header, options and data in place). */
    public static void fillChecksum(byte[] a, int off, int len, int source, int destination) {
        Bytes.u16(a, off + CHECKSUM, 0);
        Bytes.u16(a, off + CHECKSUM, Checksum.compute(a, off, len, source, destination, IpProtocol.TCP));
    }

    public static int sourcePort(byte[] a, int off) {
        return Bytes.u16(a, off + SOURCE_PORT);
    }

    public static void sourcePort(byte[] a, int off, int port) {
        Bytes.u16(a, off + SOURCE_PORT, port);
    }

    public static int destinationPort(byte[] a, int off) {
        return Bytes.u16(a, off + DESTINATION_PORT);
    }

    public static void destinationPort(byte[] a, int off, int port) {
        Bytes.u16(a, off + DESTINATION_PORT, port);
    }

    public static int sequenceNumber(byte[] a, int off) {
        return Bytes.u32(a, off + SEQUENCE_NUMBER);
    }

    public static void sequenceNumber(byte[] a, int off, int seq) {
        Bytes.u32(a, off + SEQUENCE_NUMBER, seq);
    }

    public static int acknowledgmentNumber(byte[] a, int off) {
        return Bytes.u32(a, off + ACKNOWLEDGMENT_NUMBER);
    }

    public static void acknowledgmentNumber(byte[] a, int off, int ack) {
        Bytes.u32(a, off + ACKNOWLEDGMENT_NUMBER, ack);
    }

    /** The data offset in bytes (20..60): where the payload starts. */
    public static int headerLength(byte[] a, int off) {
        return (Bytes.u8(a, off + DATA_OFFSET) >>> 4) * 4;
    }

    public static int optionsLength(byte[] a, int off) {
        return headerLength(a, off) - HEADER_LEN;
    }

    /** The control bits as {@link TcpFlags} (NS in bit 8). */
    public static int flags(byte[] a, int off) {
        return ((Bytes.u8(a, off + DATA_OFFSET) & 1) << 8) | Bytes.u8(a, off + FLAGS);
    }

    public static boolean hasFlags(byte[] a, int off, int flags) {
        return (flags(a, off) & flags) == flags;
    }

    /** Writes the data offset for a header of {@code headerLength} bytes (a multiple of 4) and the flags; reserved bits become zero. */
    public static void headerLengthAndFlags(byte[] a, int off, int headerLength, int flags) {
        Bytes.u8(a, off + DATA_OFFSET, ((headerLength >>> 2) << 4) | ((flags >>> 8) & 1));
        Bytes.u8(a, off + FLAGS, flags);
    }

    /** The window field as sent, before scaling (RFC 7323 section 2.3). */
    public static int window(byte[] a, int off) {
        return Bytes.u16(a, off + WINDOW);
    }

    public static void window(byte[] a, int off, int window) {
        Bytes.u16(a, off + WINDOW, window);
    }

    public static int checksum(byte[] a, int off) {
        return Bytes.u16(a, off + CHECKSUM);
    }

    public static int urgentPointer(byte[] a, int off) {
        return Bytes.u16(a, off + URGENT_POINTER);
    }

    public static void urgentPointer(byte[] a, int off, int pointer) {
        Bytes.u16(a, off + URGENT_POINTER, pointer);
    }
}
