package org.alpenstack.kernel.wire;

/**
 * IPv4 addresses are plain {@code int}s on the hot path (network order bit pattern, so
 * 10.0.0.1 is 0x0a000001). These helpers parse, print and classify them.
 */
public final class Ipv4Address {
    public static final int ANY = 0;
    public static final int BROADCAST = 0xffffffff;
    public static final int LOOPBACK = 0x7f000001;

    private Ipv4Address() {
    }

    /** Parses dotted-quad notation strictly (four decimal octets, no leading '+', no extras). */
    public static int parse(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + s);
        }
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            int o = Integer.parseInt(p);
            if (o > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            v = (v << 8) | o;
        }
        return v;
    }

    public static String toString(int a) {
        return ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /** The netmask of a prefix length 0..32 (0 gives 0). */
    public static int mask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0..32");
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public static boolean inSubnet(int address, int network, int prefixLength) {
        int m = mask(prefixLength);
        return (address & m) == (network & m);
    }

    public static boolean isMulticast(int a) {
        return (a >>> 28) == 0xe;
    }

    public static boolean isLoopback(int a) {
        return (a >>> 24) == 127;
    }

    public static boolean isLimitedBroadcast(int a) {
        return a == BROADCAST;
    }

    public static byte[] toBytes(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }
}
