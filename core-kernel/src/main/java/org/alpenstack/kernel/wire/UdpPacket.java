package org.alpenstack.kernel.wire;

import org.alpenstack.kernel.stack.DropReason;

/**
 * A UDP datagram (RFC 768) seen through static accessors over {@code (array, offset)}.
 * After {@link #check} passes, the header and {@link #length} bytes are inside the range.
 */
public final class UdpPacket {
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int LENGTH = 4;
    public static final int CHECKSUM = 6;
    public static final int HEADER_LEN = 8;
    public static final int PAYLOAD = 8;
    /** A checksum field of zero means the sender computed none (RFC 768, IPv4 only). */
    public static final int NO_CHECKSUM = 0;

    private UdpPacket() {
    }

    /**
     * Null if {@code len} bytes at {@code off} (the IP payload) hold the header and the
     * datagram its length field claims, else the reason to drop. A length field shorter than
     * the IP payload is legal: the extra bytes are not part of the datagram (Linux trims them).
     */
    public static DropReason check(byte[] a, int off, int len) {
        if (len < HEADER_LEN) {
            return DropReason.UDP_TRUNCATED;
        }
        int udpLen = length(a, off);
        if (udpLen < HEADER_LEN) {
            return DropReason.UDP_BAD_LENGTH;
        }
        if (udpLen > len) {
            return DropReason.UDP_TRUNCATED;
        }
        return null;
    }

    /**
     * Writes the header in front of the {@code payloadLength} bytes already at {@code off + 8}
     * and the checksum over both: the hot-path form of {@link UdpRepr#emit}.
     */
    public static void emit(byte[] a, int off, int sourcePort, int destinationPort, int payloadLength,
                            int sourceIp, int destinationIp) {
        Bytes.u16(a, off + SOURCE_PORT, sourcePort);
        Bytes.u16(a, off + DESTINATION_PORT, destinationPort);
        Bytes.u16(a, off + LENGTH, HEADER_LEN + payloadLength);
        fillChecksum(a, off, sourceIp, destinationIp);
    }

    /**
     * True if the checksum is absent (zero, RFC 768) or correct over the pseudo-header and the
     * {@link #length} bytes of the datagram.
     */
    public static boolean verifyChecksum(byte[] a, int off, int source, int destination) {
        return checksum(a, off) == NO_CHECKSUM
                || Checksum.verify(a, off, length(a, off), source, destination, IpProtocol.UDP);
    }

    /**
     * Computes the checksum over the pseudo-header, the header and the payload already in place,
     * and writes it. A computed zero is sent as 0xffff, because zero on the wire means "no
     * checksum" (RFC 768).
     */
    public static void fillChecksum(byte[] a, int off, int source, int destination) {
        Bytes.u16(a, off + CHECKSUM, 0);
        int sum = Checksum.compute(a, off, length(a, off), source, destination, IpProtocol.UDP);
        Bytes.u16(a, off + CHECKSUM, sum == 0 ? 0xffff : sum);
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

    /** Header plus payload, from the length field. */
    public static int length(byte[] a, int off) {
        return Bytes.u16(a, off + LENGTH);
    }

    public static void length(byte[] a, int off, int length) {
        Bytes.u16(a, off + LENGTH, length);
    }

    public static int payloadLength(byte[] a, int off) {
        return length(a, off) - HEADER_LEN;
    }

    public static int checksum(byte[] a, int off) {
        return Bytes.u16(a, off + CHECKSUM);
    }

    public static void checksum(byte[] a, int off, int checksum) {
        Bytes.u16(a, off + CHECKSUM, checksum);
    }
}
