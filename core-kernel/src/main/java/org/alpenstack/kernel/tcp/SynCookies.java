package org.alpenstack.kernel.tcp;

/**
 * SYN cookies (RFC 4987 section 3.6), laid out like Linux's: when the SYN queue overflows, the
 * listener answers a SYN without keeping state and encodes what it must remember in its ISN:
 *
 * <pre>
 *   cookie = H1(4-tuple) + peerISN + (count &lt;&lt; 24) + (H2(4-tuple, count, peerISN, mssIndex) mod 2^24)
 * </pre>
 *
 * where H1 and H2 are SipHash-2-4 under two secret keys, {@code count} a counter that ticks once
 * a minute and {@code mssIndex} the position of the peer's MSS in a small table, rounded down.
 * The returning ACK (seq = peerISN + 1, ack = cookie + 1) is checked by undoing the sum: the
 * counter must be the current or the previous one (the cookie lives 1 to 2 minutes), and the
 * low 24 bits must yield a valid table index under H2 of that counter, which a blind attacker
 * forging ACKs cannot arrange without the key (2^-22 per guess).
 *
 * <p>When both sides use timestamps, the options the SYN asked for (window scale, SACK, ECN)
 * travel in the low 6 bits of our TSval and come back in the peer's TSecr
 * ({@link #encodeTimestamp}, as Linux cookie_init_timestamp). Without timestamps they are lost,
 * which is the classic cost of SYN cookies.
 *
 * <p>Secrets come from the construction seed. One per listener or stack; allocation-free (it
 * hashes in a scratch array, so it is not thread-safe, like everything in core-kernel).
 */
public final class SynCookies {
    /** Linux msstab for IPv4: the MSS values a cookie can carry. */
    public static final int[] MSS_TABLE_V4 = {536, 1300, 1440, 1460};
    /** Linux msstab for IPv6 (1280-60, 1480-60, 1500-60, 9000-60). */
    public static final int[] MSS_TABLE_V6 = {1220, 1420, 1440, 8940};
    /** The counter ticks every minute (Linux tcp_cookie_time: jiffies / (60 * HZ)). */
    public static final long COUNTER_PERIOD_NANOS = 60_000_000_000L;

    static final int COOKIE_BITS = 24;
    static final int COOKIE_MASK = (1 << COOKIE_BITS) - 1;
    /** Counters accepted: the current one and the one before. */
    static final int MAX_AGE = 2;

    /** Bits 0-3 of an encoded TSval: window scale, 0xf = none; bit 4: SACK; bit 5: ECN. */
    static final int TS_OPT_BITS = 6;
    private static final int TS_WSCALE_NONE = 0xf;
    private static final int TS_SACK = 1 << 4;
    private static final int TS_ECN = 1 << 5;

    private final long k1a;
    private final long k1b;
    private final long k2a;
    private final long k2b;
    private final byte[] scratch = new byte[48];

    public SynCookies(long seed) {
        long s = SipHash.mix(seed ^ 0x5a5a5a5a5a5a5a5aL);
        k1a = s;
        s = SipHash.mix(s);
        k1b = s;
        s = SipHash.mix(s);
        k2a = s;
        k2b = SipHash.mix(s);
    }

    /** The counter for time {@code now}. */
    public static int counter(long now) {
        return (int) Math.floorDiv(now, COUNTER_PERIOD_NANOS);
    }

    /** Index of the largest table entry not above {@code mss} (0 if all are above). */
    public static int mssIndex(int[] table, int mss) {
        int idx = 0;
        for (int i = table.length - 1; i >= 0; i--) {
            if (table[i] <= mss) {
                idx = i;
                break;
            }
        }
        return idx;
    }

    /**
     * Our ISN for a SYN from {@code remoteIp:remotePort} (IPv4) with sequence number {@code peerIsn}
     * and MSS option {@code peerMss} (536 if absent, RFC 9293 section 3.7.1).
     */
    public int cookie(int localIp, int localPort, int remoteIp, int remotePort, int peerIsn, int peerMss, long now) {
        int n = tuple4(localIp, localPort, remoteIp, remotePort);
        return make(n, MSS_TABLE_V4, peerIsn, peerMss, now);
    }

    /**
     * Checks the ACK completing a cookie handshake over IPv4. Pass {@code peerIsn = SEG.SEQ - 1} and
     * {@code cookie = SEG.ACK - 1}. Returns the MSS to use (a {@link #MSS_TABLE_V4} entry), or -1 if
     * the cookie is forged or expired.
     */
    public int check(int localIp, int localPort, int remoteIp, int remotePort, int peerIsn, int cookie, long now) {
        int n = tuple4(localIp, localPort, remoteIp, remotePort);
        return verify(n, MSS_TABLE_V4, peerIsn, cookie, now);
    }

    /** {@link #cookie(int, int, int, int, int, int, long)} for 4- or 16-byte addresses; IPv6 uses {@link #MSS_TABLE_V6}. */
    public int cookie(byte[] localAddr, int localPort, byte[] remoteAddr, int remotePort, int peerIsn, int peerMss, long now) {
        int n = tuple(localAddr, localPort, remoteAddr, remotePort);
        return make(n, localAddr.length == 16 ? MSS_TABLE_V6 : MSS_TABLE_V4, peerIsn, peerMss, now);
    }

    /** {@link #check(int, int, int, int, int, int, long)} for 4- or 16-byte addresses. */
    public int check(byte[] localAddr, int localPort, byte[] remoteAddr, int remotePort, int peerIsn, int cookie, long now) {
        int n = tuple(localAddr, localPort, remoteAddr, remotePort);
        return verify(n, localAddr.length == 16 ? MSS_TABLE_V6 : MSS_TABLE_V4, peerIsn, cookie, now);
    }

    private int make(int tupleLen, int[] table, int peerIsn, int peerMss, long now) {
        int count = counter(now);
        int idx = mssIndex(table, peerMss);
        int h1 = (int) SipHash.hash(k1a, k1b, scratch, 0, tupleLen);
        return h1 + peerIsn + (count << COOKIE_BITS) + (h2(tupleLen, peerIsn, count, idx) & COOKIE_MASK);
    }

    private int verify(int tupleLen, int[] table, int peerIsn, int cookie, long now) {
        int count = counter(now);
        int h1 = (int) SipHash.hash(k1a, k1b, scratch, 0, tupleLen);
        int v = cookie - h1 - peerIsn;
        int age = (count - (v >>> COOKIE_BITS)) & 0xff;
        if (age >= MAX_AGE) {
            return -1;
        }
        int low = v & COOKIE_MASK;
        for (int idx = 0; idx < table.length; idx++) {
            if ((h2(tupleLen, peerIsn, count - age, idx) & COOKIE_MASK) == low) {
                return table[idx];
            }
        }
        return -1;
    }

    /**
     * Unlike Linux, H2 also covers the peer's ISN and the MSS index (the check tries the few
     * indices), so an ACK whose sequence or acknowledgment number is off by a little is rejected
     * instead of decoding to a neighbouring MSS.
     */
    private int h2(int tupleLen, int peerIsn, int count, int idx) {
        int p = tupleLen;
        scratch[p++] = (byte) (count >>> 24);
        scratch[p++] = (byte) (count >>> 16);
        scratch[p++] = (byte) (count >>> 8);
        scratch[p++] = (byte) count;
        scratch[p++] = (byte) (peerIsn >>> 24);
        scratch[p++] = (byte) (peerIsn >>> 16);
        scratch[p++] = (byte) (peerIsn >>> 8);
        scratch[p++] = (byte) peerIsn;
        scratch[p++] = (byte) idx;
        return (int) SipHash.hash(k2a, k2b, scratch, 0, p);
    }

    /**
     * Our TSval for the SYN-ACK, carrying the SYN's options in its low 6 bits: {@code tsNow} rounded
     * down to a multiple of 64 plus the options, moved back by 64 if that would be ahead of
     * {@code tsNow} (a TSval must never run ahead of the clock).
     *
     * @param wscale the peer's window scale shift (0..14), or -1 if it sent none
     */
    public static int encodeTimestamp(int tsNow, int wscale, boolean sack, boolean ecn) {
        int options = wscale < 0 ? TS_WSCALE_NONE : Math.min(wscale, 14);
        if (sack) {
            options |= TS_SACK;
        }
        if (ecn) {
            options |= TS_ECN;
        }
        int ts = (tsNow & ~((1 << TS_OPT_BITS) - 1)) | options;
        if (SeqNum.gt(ts, tsNow)) {
            ts -= 1 << TS_OPT_BITS;
        }
        return ts;
    }

    /** The peer's window scale from an echoed TSecr, or -1 if the SYN had none. */
    public static int timestampWscale(int tsecr) {
        int w = tsecr & 0xf;
        return w == TS_WSCALE_NONE ? -1 : w;
    }

    /** Whether the SYN offered SACK (from the echoed TSecr). */
    public static boolean timestampSack(int tsecr) {
        return (tsecr & TS_SACK) != 0;
    }

    /** Whether the SYN negotiated ECN (from the echoed TSecr). */
    public static boolean timestampEcn(int tsecr) {
        return (tsecr & TS_ECN) != 0;
    }

    private int tuple4(int localIp, int localPort, int remoteIp, int remotePort) {
        putInt(0, localIp);
        putInt(4, remoteIp);
        return ports(8, localPort, remotePort);
    }

    private int tuple(byte[] la, int lp, byte[] ra, int rp) {
        if ((la.length != 4 && la.length != 16) || ra.length != la.length) {
            throw new IllegalArgumentException("addresses must both be 4 or 16 bytes");
        }
        int n = la.length;
        System.arraycopy(la, 0, scratch, 0, n);
        System.arraycopy(ra, 0, scratch, n, n);
        // A 4-byte address hashes like the int form, so either API verifies the other's cookies.
        return ports(2 * n, lp, rp);
    }

    private int ports(int p, int lp, int rp) {
        scratch[p] = (byte) (lp >>> 8);
        scratch[p + 1] = (byte) lp;
        scratch[p + 2] = (byte) (rp >>> 8);
        scratch[p + 3] = (byte) rp;
        return p + 4;
    }

    private void putInt(int p, int v) {
        scratch[p] = (byte) (v >>> 24);
        scratch[p + 1] = (byte) (v >>> 16);
        scratch[p + 2] = (byte) (v >>> 8);
        scratch[p + 3] = (byte) v;
    }
}
