package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.wire.Bytes;

/** The Internet checksum (RFC 1071): a ones'-complement sum of 16-bit big-endian words. */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * Adds {@code a[off, off+len)} to a running sum. Summing 32-bit words into a long and folding
     * at the end gives the same result as 16-bit words (RFC 1071 section 2(B), byte-order and
     * word-size independence); an odd last byte is padded with zero on the right.
     */
    public static long add(long acc, byte[] a, int off, int len) {
        int i = off;
        int end = off + len;
        while (end - i >= 4) {
            acc += Bytes.u32(a, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            acc += Bytes.u16(a, i);
            i += 2;
        }
        if (i < end) {
            acc += (a[i] & 0xff) << 8;
        }
        return acc;
    }

    /** Folds a running sum to 16 bits (end-around carry). */
    public static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** The checksum field value for a running sum: the complement of the folded sum. */
    public static int finish(long acc) {
        return ~fold(acc) & 0xffff;
    }

    /** The RFC 793 / RFC 768 pseudo-header of an IPv4 packet whose header starts at {@code ip}. */
    public static long pseudoHeaderV4(byte[] a, int ip, int protocol, int l4Length) {
        return add(0, a, ip + 12, 8) + protocol + l4Length;
    }

    /** The RFC 8200 section 8.1 pseudo-header of an IPv6 packet whose header starts at {@code ip}. */
    public static long pseudoHeaderV6(byte[] a, int ip, int nextHeader, int l4Length) {
        return add(0, a, ip + 8, 32) + (l4Length & 0xffffffffL) + nextHeader;
    }
}
