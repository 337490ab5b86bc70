package org.alpenstack.admin.api.stack;

import org.alpenstack.admin.api.ApiProblem;
import org.alpenstack.kernel.iface.InterfaceAddress;
import org.alpenstack.kernel.wire.Ipv4Address;

/**
 * The semantic checks on addresses the contract's patterns cannot make: an interface address
 * must be a unicast host address, a route destination must have no host bits set (what
 * {@code ip route add 10.0.0.1/24} refuses with "Invalid prefix for given prefix length").
 */
public final class Cidrs {
    private Cidrs() {
    }

    public static InterfaceAddress address(String field, String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw ApiProblem.invalid(field, "not an IPv4 CIDR (a.b.c.d/len)");
        }
        int a;
        int len;
        try {
            a = Ipv4Address.parse(cidr.substring(0, slash));
            len = Integer.parseInt(cidr.substring(slash + 1));
        } catch (RuntimeException e) {
            throw ApiProblem.invalid(field, "not an IPv4 CIDR (a.b.c.d/len)");
        }
        if (len < 1 || len > 32) {
            throw ApiProblem.invalid(field, "prefix length must be 1..32");
        }
        if (a == 0 || Ipv4Address.isMulticast(a) || (a >>> 28) == 0xf || Ipv4Address.isLoopback(a)) {
            throw ApiProblem.invalid(field, cidr + " is not a unicast host address");
        }
        if (len <= 30) {
            int host = a & ~Ipv4Address.mask(len);
            if (host == 0 || host == ~Ipv4Address.mask(len)) {
                throw ApiProblem.invalid(field, cidr + " is the network or broadcast address of its subnet");
            }
        }
        return new InterfaceAddress(a, len);
    }

    /** {destination, prefixLength} of a.b.c.d/len or "default". */
    public static int[] destination(String field, String s) {
        if (s.equals("default")) {
            return new int[] {0, 0};
        }
        int slash = s.indexOf('/');
        int a;
        int len;
        try {
            a = Ipv4Address.parse(slash < 0 ? s : s.substring(0, slash));
            len = slash < 0 ? 32 : Integer.parseInt(s.substring(slash + 1));
        } catch (RuntimeException e) {
            throw ApiProblem.invalid(field, "not an IPv4 CIDR (a.b.c.d/len)");
        }
        if (len < 0 || len > 32) {
            throw ApiProblem.invalid(field, "prefix length must be 0..32");
        }
        if ((a & Ipv4Address.mask(len)) != a) {
            throw ApiProblem.invalid(field, s + " has host bits set for /" + len + " (did you mean "
                    + Ipv4Address.toString(a & Ipv4Address.mask(len)) + "/" + len + "?)");
        }
        return new int[] {a, len};
    }
}
