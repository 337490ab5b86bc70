package org.alpenstack.kernel.wire;

import org.alpenstack.kernel.stack.DropReason;

/**
 * An ICMPv4 message (RFC 792) seen through static accessors over {@code (array, offset)}:
 * a 4-byte type/code/checksum, 4 bytes whose meaning depends on the type, then data (echo
 * data, or the quoted IP header plus at least 64 bits of the offending datagram).
 */
public final class Icmpv4Packet {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    /** Echo and echo reply: identifier and sequence number. */
    public static final int IDENTIFIER = 4;
    public static final int SEQUENCE = 6;
    /** Parameter problem: the octet where the error was found. */
    public static final int POINTER = 4;
    /** Destination unreachable, code 4: the next-hop MTU in the low 16 bits (RFC 1191 section 4). */
    public static final int NEXT_HOP_MTU = 6;
    public static final int HEADER_LEN = 8;
    public static final int DATA = 8;
    /**
     * How much of a datagram an error quotes at most: the error must fit in 576 bytes with a
     * 20-byte IP header and 8-byte ICMP header (RFC 1812 section 4.3.2.3; Linux's icmp_send).
     */
    public static final int MAX_QUOTED_LEN = 576 - Ipv4Packet.HEADER_LEN - HEADER_LEN;

    private Icmpv4Packet() {
    }

    /** Null if {@code len} bytes at {@code off} hold the 8-byte ICMP header, else {@link DropReason#ICMP_TRUNCATED}. */
    public static DropReason check(byte[] a, int off, int len) {
        return len < HEADER_LEN ? DropReason.ICMP_TRUNCATED : null;
    }

    /**
     * Writes type, code and the rest-of-header word in front of the data already at
     * {@code off + 8}, and the checksum over the {@code len}-byte message (an echo reply built
     * in place from a request, an error quoting a datagram).
     */
    public static void emit(byte[] a, int off, int type, int code, int restOfHeader, int len) {
        Bytes.u8(a, off + TYPE, type);
        Bytes.u8(a, off + CODE, code);
        Bytes.u32(a, off + IDENTIFIER, restOfHeader);
        fillChecksum(a, off, len);
    }

    /** The checksum covers the whole message, {@code len} bytes (RFC 792). */
    public static boolean verifyChecksum(byte[] a, int off, int len) {
        return Checksum.verify(a, off, len);
    }

    public static void fillChecksum(byte[] a, int off, int len) {
        Bytes.u16(a, off + CHECKSUM, 0);
        Bytes.u16(a, off + CHECKSUM, Checksum.compute(a, off, len));
    }

    public static int type(byte[] a, int off) {
        return Bytes.u8(a, off + TYPE);
    }

    public static void type(byte[] a, int off, int type) {
        Bytes.u8(a, off + TYPE, type);
    }

    public static int code(byte[] a, int off) {
        return Bytes.u8(a, off + CODE);
    }

    public static void code(byte[] a, int off, int code) {
        Bytes.u8(a, off + CODE, code);
    }

    public static int checksum(byte[] a, int off) {
        return Bytes.u16(a, off + CHECKSUM);
    }

    public static int identifier(byte[] a, int off) {
        return Bytes.u16(a, off + IDENTIFIER);
    }

    public static void identifier(byte[] a, int off, int id) {
        Bytes.u16(a, off + IDENTIFIER, id);
    }

    public static int sequence(byte[] a, int off) {
        return Bytes.u16(a, off + SEQUENCE);
    }

    public static void sequence(byte[] a, int off, int seq) {
        Bytes.u16(a, off + SEQUENCE, seq);
    }

    public static int nextHopMtu(byte[] a, int off) {
        return Bytes.u16(a, off + NEXT_HOP_MTU);
    }

    public static int pointer(byte[] a, int off) {
        return Bytes.u8(a, off + POINTER);
    }

    /** The 32-bit word after the checksum as a whole ("unused", "rest of header"). */
    public static int restOfHeader(byte[] a, int off) {
        return Bytes.u32(a, off + IDENTIFIER);
    }

    public static void restOfHeader(byte[] a, int off, int word) {
        Bytes.u32(a, off + IDENTIFIER, word);
    }
}
