package org.alpenstack.kernel.wire;

/**
 * A 48-bit IEEE 802 MAC address. On the hot path the stack keeps MACs as the low 48 bits of a
 * {@code long} (see {@link Bytes#u48}); this class is the checked, printable form for APIs.
 */
public record MacAddress(long bits) {
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);
    public static final MacAddress ZERO = new MacAddress(0L);

    public MacAddress {
        if ((bits & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("MAC address has more than 48 bits");
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes); throws IllegalArgumentException otherwise. */
    public static MacAddress parse(String s) {
        String[] parts = s.split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + s);
        }
        long v = 0;
        for (String p : parts) {
            if (p.length() != 2) {
                throw new IllegalArgumentException("not a MAC address: " + s);
            }
            try {
                v = (v << 8) | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: " + s);
            }
        }
        return new MacAddress(v);
    }

    public static MacAddress read(byte[] a, int off) {
        return new MacAddress(Bytes.u48(a, off));
    }

    public void write(byte[] a, int off) {
        Bytes.u48(a, off, bits);
    }

    public static boolean isBroadcast(long bits) {
        return bits == 0xffff_ffff_ffffL;
    }

    /** Group (multicast or broadcast) addresses have the I/G bit, the low bit of the first octet, set. */
    public static boolean isMulticast(long bits) {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    public boolean isMulticast() {
        return isMulticast(bits);
    }

    public boolean isBroadcast() {
        return isBroadcast(bits);
    }

    /** Locally administered (U/L bit set): what Alpenstack generates for instances. */
    public boolean isLocallyAdministered() {
        return (bits & 0x0200_0000_0000L) != 0;
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        write(b, 0);
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int o = (int) (bits >>> (8 * i)) & 0xff;
            sb.append(Character.forDigit(o >> 4, 16)).append(Character.forDigit(o & 0xf, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
