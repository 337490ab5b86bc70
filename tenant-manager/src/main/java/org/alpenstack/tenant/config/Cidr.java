package org.alpenstack.tenant.config;

import org.alpenstack.kernel.wire.Ipv4Address;

/** An IPv4 address with a prefix length, "192.0.2.10/24". */
public record Cidr(int address, int prefixLength) {
    public Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not 0..32");
        }
    }

    /** Parses "a.b.c.d/len" ("a.b.c.d" alone is /32 when {@code defaultPrefix} is 32). */
    public static Cidr parse(String s, int defaultPrefix) {
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        int len = defaultPrefix;
        if (slash >= 0) {
            try {
                len = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("prefix length '" + s.substring(slash + 1) + "' is not a number");
            }
        }
        int a;
        try {
            a = Ipv4Address.parse(addr.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + addr + "' is not an IPv4 address");
        }
        return new Cidr(a, len);
    }

    public int network() {
        return address & Ipv4Address.mask(prefixLength);
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(address) + "/" + prefixLength;
    }
}
