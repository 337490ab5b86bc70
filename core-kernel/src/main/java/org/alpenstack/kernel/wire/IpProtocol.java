package org.alpenstack.kernel.wire;

/** IP protocol numbers (IANA "Assigned Internet Protocol Numbers", first listed in RFC 790). */
public final class IpProtocol {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;

    private IpProtocol() {
    }
}
