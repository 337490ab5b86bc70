package org.alpenstack.kernel.tcp;

/**
 * 32-bit sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4, RFC 1982). This is the
 * only place in the stack that compares sequence numbers; everything else calls these helpers
 * (FreeBSD's tcp_seq.h plays the same role).
 */
public final class SeqNum {
    private SeqNum() {
    }

    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    public static boolean leq(int a, int b) {
        return a - b <= 0;
    }

    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    public static boolean geq(int a, int b) {
        return a - b >= 0;
    }

    /** {@code b - a} as a non-wrapping distance (valid while the two are within 2^31). */
    public static int diff(int a, int b) {
        return b - a;
    }

    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /** {@code lo <= x < hi} in sequence space. */
    public static boolean inRange(int x, int lo, int hi) {
        return geq(x, lo) && lt(x, hi);
    }
}
