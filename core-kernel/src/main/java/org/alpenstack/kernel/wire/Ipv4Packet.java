package org.alpenstack.kernel.wire;

import org.alpenstack.kernel.stack.DropReason;

/**
 * An IPv4 header (RFC 791 section 3.1) seen through static accessors over {@code (array, offset)}.
 *
 * <p>{@link #check} validates version, IHL and total length once; afterwards the header
 * ({@link #headerLength} bytes, options included) and the payload up to {@link #totalLength}
 * are inside the checked range, so no accessor can go out of bounds. Options are not
 * interpreted: the payload starts at {@code off + headerLength(a, off)}, which skips them.
 * Bytes after the total length (Ethernet padding) do not belong to the packet.
 */
public final class Ipv4Packet {
    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    public static final int OPTIONS = 20;
    /** The header without options (IHL 5). */
    public static final int HEADER_LEN = 20;
    /** IHL is four bits of 32-bit words: at most 15 words. */
    public static final int MAX_HEADER_LEN = 60;
    public static final int MAX_TOTAL_LENGTH = 65535;

    /** The reserved bit, which must be zero (RFC 791). */
    public static final int FLAG_RESERVED = 0x8000;
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    /** The fragment offset field, in units of 8 bytes. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    private Ipv4Packet() {
    }

    /**
     * Null if {@code len} bytes at {@code off} hold a well-formed IPv4 header and the whole
     * packet its total length claims, else the reason to drop (checked in the order of Linux's
     * ip_rcv_core). The header checksum is checked separately by {@link #verifyChecksum}.
     */
    public static DropReason check(byte[] a, int off, int len) {
        if (len < HEADER_LEN) {
            return DropReason.IPV4_TRUNCATED;
        }
        int vihl = Bytes.u8(a, off + VERSION_IHL);
        if ((vihl >>> 4) != 4) {
            return DropReason.IPV4_BAD_VERSION;
        }
        int headerLen = (vihl & 0x0f) * 4;
        if (headerLen < HEADER_LEN) {
            return DropReason.IPV4_BAD_HEADER_LENGTH;
        }
        if (headerLen > len) {
            // Linux counts a header it cannot pull as a header error (InHdrErrors), not as truncated.
            return DropReason.IPV4_BAD_HEADER_LENGTH;
        }
        int total = totalLength(a, off);
        if (total > len) {
            return DropReason.IPV4_TRUNCATED;
        }
        if (total < headerLen) {
            return DropReason.IPV4_BAD_TOTAL_LENGTH;
        }
        return null;
    }

    /**
     * Writes a 20-byte header without options and its checksum: the hot-path form of
     * {@link Ipv4Repr#emit}, with no object per packet.
     *
     * @param flagsAndFragmentOffset {@link #FLAG_DONT_FRAGMENT}, {@link #FLAG_MORE_FRAGMENTS}
     *        and the fragment offset in 8-byte units, as on the wire
     */
    public static void emit(byte[] a, int off, int source, int destination, int protocol, int payloadLength,
                            int ttl, int tos, int identification, int flagsAndFragmentOffset) {
        Bytes.u8(a, off + VERSION_IHL, 0x45);
        Bytes.u8(a, off + TOS, tos);
        Bytes.u16(a, off + TOTAL_LENGTH, HEADER_LEN + payloadLength);
        Bytes.u16(a, off + IDENTIFICATION, identification);
        Bytes.u16(a, off + FLAGS_FRAGMENT_OFFSET, flagsAndFragmentOffset);
        Bytes.u8(a, off + TTL, ttl);
        Bytes.u8(a, off + PROTOCOL, protocol);
        Bytes.u32(a, off + SOURCE, source);
        Bytes.u32(a, off + DESTINATION, destination);
        Bytes.u16(a, off + CHECKSUM, 0);
        Bytes.u16(a, off + CHECKSUM, Checksum.compute(a, off, HEADER_LEN));
    }

    public static boolean verifyChecksum(byte[] a, int off) {
        return Checksum.verify(a, off, headerLength(a, off));
    }

    /** Computes and writes the header checksum over the header (options included). */
    public static void fillChecksum(byte[] a, int off) {
        Bytes.u16(a, off + CHECKSUM, 0);
        Bytes.u16(a, off + CHECKSUM, Checksum.compute(a, off, headerLength(a, off)));
    }

    /**
     * Decrements the TTL of a forwarded packet and patches the checksum incrementally
     * (RFC 1624 section 4, RFC 1812 section 5.3.1). The caller has checked that the TTL is
     * greater than 1.
     */
    public static void decrementTtl(byte[] a, int off) {
        // TTL and protocol share one 16-bit word of the checksum.
        int oldWord = Bytes.u16(a, off + TTL);
        int newWord = oldWord - 0x0100;
        Bytes.u16(a, off + TTL, newWord);
        Bytes.u16(a, off + CHECKSUM, Checksum.update16(checksum(a, off), oldWord, newWord));
    }

    public static int version(byte[] a, int off) {
        return Bytes.u8(a, off + VERSION_IHL) >>> 4;
    }

    /** IHL in bytes (20..60), options included. */
    public static int headerLength(byte[] a, int off) {
        return (Bytes.u8(a, off + VERSION_IHL) & 0x0f) * 4;
    }

    /** Writes version 4 and the IHL for a header of {@code headerLength} bytes (a multiple of 4). */
    public static void versionAndHeaderLength(byte[] a, int off, int headerLength) {
        Bytes.u8(a, off + VERSION_IHL, 0x40 | (headerLength >>> 2));
    }

    /** The TOS byte: DSCP (RFC 2474) in the high six bits, ECN (RFC 3168) in the low two. */
    public static int tos(byte[] a, int off) {
        return Bytes.u8(a, off + TOS);
    }

    public static void tos(byte[] a, int off, int tos) {
        Bytes.u8(a, off + TOS, tos);
    }

    public static int totalLength(byte[] a, int off) {
        return Bytes.u16(a, off + TOTAL_LENGTH);
    }

    public static void totalLength(byte[] a, int off, int length) {
        Bytes.u16(a, off + TOTAL_LENGTH, length);
    }

    public static int payloadLength(byte[] a, int off) {
        return totalLength(a, off) - headerLength(a, off);
    }

    public static int identification(byte[] a, int off) {
        return Bytes.u16(a, off + IDENTIFICATION);
    }

    public static void identification(byte[] a, int off, int id) {
        Bytes.u16(a, off + IDENTIFICATION, id);
    }

    /** The raw flags-and-fragment-offset word. */
    public static int flagsAndFragmentOffset(byte[] a, int off) {
        return Bytes.u16(a, off + FLAGS_FRAGMENT_OFFSET);
    }

    public static void flagsAndFragmentOffset(byte[] a, int off, int word) {
        Bytes.u16(a, off + FLAGS_FRAGMENT_OFFSET, word);
    }

    public static boolean dontFragment(byte[] a, int off) {
        return (flagsAndFragmentOffset(a, off) & FLAG_DONT_FRAGMENT) != 0;
    }

    public static boolean moreFragments(byte[] a, int off) {
        return (flagsAndFragmentOffset(a, off) & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** The fragment offset in bytes (the field counts 8-byte units). */
    public static int fragmentOffset(byte[] a, int off) {
        return (flagsAndFragmentOffset(a, off) & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** True for any piece of a fragmented datagram: MF set or a non-zero offset (RFC 791 section 3.2). */
    public static boolean isFragment(byte[] a, int off) {
        return (flagsAndFragmentOffset(a, off) & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public static int ttl(byte[] a, int off) {
        return Bytes.u8(a, off + TTL);
    }

    public static void ttl(byte[] a, int off, int ttl) {
        Bytes.u8(a, off + TTL, ttl);
    }

    public static int protocol(byte[] a, int off) {
        return Bytes.u8(a, off + PROTOCOL);
    }

    public static void protocol(byte[] a, int off, int protocol) {
        Bytes.u8(a, off + PROTOCOL, protocol);
    }

    public static int checksum(byte[] a, int off) {
        return Bytes.u16(a, off + CHECKSUM);
    }

    public static int source(byte[] a, int off) {
        return Bytes.u32(a, off + SOURCE);
    }

    public static void source(byte[] a, int off, int address) {
        Bytes.u32(a, off + SOURCE, address);
    }

    public static int destination(byte[] a, int off) {
        return Bytes.u32(a, off + DESTINATION);
    }

    public static void destination(byte[] a, int off, int address) {
        Bytes.u32(a, off + DESTINATION, address);
    }
}
