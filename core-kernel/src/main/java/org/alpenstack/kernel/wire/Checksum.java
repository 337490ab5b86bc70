package org.alpenstack.kernel.wire;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum.
 *
 * <p>The sum is accumulated in a {@code long} from 64-bit loads, each split into two 32-bit
 * halves, and folded to 16 bits once at the end. That is correct because one's complement
 * addition is associative and commutative and does not care about the word size as long as the
 * carries are added back in (RFC 1071 section 2 (A), (B) and (C)): a sum of 32-bit big-endian
 * words folded to 16 bits equals the sum of the 16-bit words. A {@code long} cannot overflow
 * before 2^32 words, far beyond any packet.
 *
 * <p>"Partial" sums ({@code long}, unfolded) can be added together to checksum a packet in
 * pieces (a pseudo-header and a segment) as long as every piece but the last has an even
 * length, because an odd piece would shift the bytes after it into the other half of a word.
 */
public final class Checksum {
    private Checksum() {
    }

    /** The unfolded one's complement sum of {@code a[off, off+len)}, read as big-endian 16-bit words (an odd last byte is padded with zero). */
    public static long partial(byte[] a, int off, int len) {
        long sum = 0;
        int i = off;
        int end = off + len;
        // Four 64-bit loads per iteration keep the loop short; each load adds its two 32-bit halves.
        while (end - i >= 32) {
            long v0 = Bytes.u64(a, i);
            long v1 = Bytes.u64(a, i + 8);
            long v2 = Bytes.u64(a, i + 16);
            long v3 = Bytes.u64(a, i + 24);
            sum += (v0 >>> 32) + (v0 & 0xffffffffL) + (v1 >>> 32) + (v1 & 0xffffffffL)
                    + (v2 >>> 32) + (v2 & 0xffffffffL) + (v3 >>> 32) + (v3 & 0xffffffffL);
            i += 32;
        }
        while (end - i >= 8) {
            long v = Bytes.u64(a, i);
            sum += (v >>> 32) + (v & 0xffffffffL);
            i += 8;
        }
        if (end - i >= 4) {
            sum += Bytes.u32(a, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            sum += Bytes.u16(a, i);
            i += 2;
        }
        if (i < end) {
            sum += (a[i] & 0xff) << 8;
        }
        return sum;
    }

    /** The IPv4 pseudo-header of TCP and UDP (RFC 793 section 3.1, RFC 768) as a partial sum. */
    public static long pseudoHeader(int source, int destination, int protocol, int length) {
        return (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff)
                + (protocol & 0xff) + (length & 0xffff);
    }

    /** Folds a partial sum to its 16-bit one's complement sum (not yet complemented). */
    public static int fold(long sum) {
        // A long sum needs at most four folds; loop until no carry is left.
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The value to write into a checksum field: the complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /** The checksum of {@code a[off, off+len)} with the checksum field in it zeroed by the caller. */
    public static int compute(byte[] a, int off, int len) {
        return finish(partial(a, off, len));
    }

    /** The checksum of a TCP segment or UDP datagram (its checksum field zeroed) with the IPv4 pseudo-header. */
    public static int compute(byte[] a, int off, int len, int source, int destination, int protocol) {
        return finish(pseudoHeader(source, destination, protocol, len) + partial(a, off, len));
    }

    /**
     * True if {@code a[off, off+len)}, checksum field included, sums to all ones, the receiver's
     * test of RFC 1071 section 1 (2). Zero and 0xffff are both "zero" in one's complement, so the
     * folded sum of a correct packet is 0xffff.
     */
    public static boolean verify(byte[] a, int off, int len) {
        return fold(partial(a, off, len)) == 0xffff;
    }

    /** {@link #verify} for a TCP segment or UDP datagram with the IPv4 pseudo-header. */
    public static boolean verify(byte[] a, int off, int len, int source, int destination, int protocol) {
        return fold(pseudoHeader(source, destination, protocol, len) + partial(a, off, len)) == 0xffff;
    }

    /**
     * The checksum after a 16-bit field changes from {@code oldValue} to {@code newValue}:
     * RFC 1624 equation 3, HC' = ~(~HC + ~m + m'). Equation 3 (not RFC 1141's equation 2) is
     * the one that never produces the wrong zero (0x0000 instead of 0xffff, RFC 1624 section 3).
     *
     * <p>One case no incremental formula can get right: if after the change every covered word
     * is zero, the correct checksum is 0xffff but this returns 0x0000 (the old checksum cannot
     * tell "all zero" from "sums to 0xffff"). IPv4 headers (version 4) and TCP/UDP (protocol
     * in the pseudo-header) never are; an ICMP echo reply with zero identifier, sequence and
     * data would be, so recompute ICMP checksums with {@link #compute}.
     */
    public static int update16(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xffff) + (~oldValue & 0xffff) + (newValue & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** {@link #update16} for a 32-bit field (an address rewritten by NAT), one 16-bit half at a time. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xffff)
                + (~oldValue >>> 16 & 0xffff) + (~oldValue & 0xffff)
                + (newValue >>> 16) + (newValue & 0xffff);
        return ~fold(sum) & 0xffff;
    }
}
