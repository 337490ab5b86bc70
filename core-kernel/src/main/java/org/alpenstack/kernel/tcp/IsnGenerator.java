package org.alpenstack.kernel.tcp;

/**
 * Initial sequence numbers per RFC 6528 section 3: {@code ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey)}, where M is a timer ticking every 4 microseconds and F is
 * SipHash-2-4 keyed with a per-stack secret. A new incarnation of the same 4-tuple thus starts
 * above the old one's sequence space (M keeps rising), while an off-path attacker who does not
 * know the key cannot predict any connection's ISN.
 *
 * <p>The secret is derived from the seed given at construction, so a simulation is reproducible;
 * production passes a seed from {@link java.security.SecureRandom}. The same generator also gives
 * the per-address-pair timestamp offset RFC 7323 section 5.4 recommends (Linux
 * secure_tcp_ts_off), so TSval does not reveal uptime. One per stack instance; not thread-safe
 * for the IPv6 variant (it uses a scratch array), allocation-free.
 */
public final class IsnGenerator {
    /** RFC 6528 / RFC 9293 section 3.4.1: M increments every 4 microseconds. */
    public static final long TICK_NANOS = 4_000L;

    private final long k0;
    private final long k1;
    private final long tsK0;
    private final long tsK1;
    private final byte[] scratch = new byte[40];

    public IsnGenerator(long seed) {
        long s = SipHash.mix(seed);
        k0 = s;
        s = SipHash.mix(s);
        k1 = s;
        s = SipHash.mix(s);
        tsK0 = s;
        tsK1 = SipHash.mix(s);
    }

    /** The 4-microsecond clock M at time {@code now} (nanoseconds), modulo 2^32. */
    public static int clock(long now) {
        return (int) Math.floorDiv(now, TICK_NANOS);
    }

    /** The ISN for an IPv4 connection (addresses as ints, 10.0.0.1 == 0x0a000001; ports 0..65535). */
    public int isn(int localIp, int localPort, int remoteIp, int remotePort, long now) {
        long m0 = (localIp & 0xffffffffL) << 32 | (remoteIp & 0xffffffffL);
        long m1 = (long) (localPort & 0xffff) << 16 | (remotePort & 0xffff);
        return clock(now) + (int) SipHash.hash(k0, k1, m0, m1);
    }

    /** The ISN for a connection between two addresses of 4 (IPv4) or 16 (IPv6) bytes. */
    public int isn(byte[] localAddr, int localPort, byte[] remoteAddr, int remotePort, long now) {
        int n = tuple(localAddr, localPort, remoteAddr, remotePort);
        return clock(now) + (int) SipHash.hash(k0, k1, scratch, 0, n);
    }

    /**
     * The offset added to this host's timestamp clock for a given pair of IPv4 addresses (RFC 7323
     * section 5.4, Linux tcp_timestamps=1): the same for every connection between the two hosts, so
     * PAWS across connections still works, but unrelated to uptime and to other peers.
     */
    public int timestampOffset(int localIp, int remoteIp) {
        long m0 = (localIp & 0xffffffffL) << 32 | (remoteIp & 0xffffffffL);
        return (int) SipHash.hash(tsK0, tsK1, m0, 0);
    }

    /** {@link #timestampOffset(int, int)} for addresses of 4 or 16 bytes. */
    public int timestampOffset(byte[] localAddr, byte[] remoteAddr) {
        int n = tuple(localAddr, 0, remoteAddr, 0);
        return (int) SipHash.hash(tsK0, tsK1, scratch, 0, n);
    }

    private int tuple(byte[] localAddr, int localPort, byte[] remoteAddr, int remotePort) {
        if ((localAddr.length != 4 && localAddr.length != 16) || remoteAddr.length != localAddr.length) {
            throw new IllegalArgumentException("addresses must both be 4 or 16 bytes");
        }
        int n = localAddr.length;
        System.arraycopy(localAddr, 0, scratch, 0, n);
        System.arraycopy(remoteAddr, 0, scratch, n, n);
        int p = 2 * n;
        scratch[p++] = (byte) (localPort >>> 8);
        scratch[p++] = (byte) localPort;
        scratch[p++] = (byte) (remotePort >>> 8);
        scratch[p++] = (byte) remotePort;
        return p;
    }
}
