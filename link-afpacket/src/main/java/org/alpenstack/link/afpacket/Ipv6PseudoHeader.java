package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.wire.Checksum;

/**
 * The RFC 8200 section 8.1 pseudo-header of TCP and UDP over IPv6, as an unfolded partial sum
 * for core-kernel's {@link Checksum} (which knows only IPv4's, {@link Checksum#pseudoHeader}):
 * link-afpacket finishes the offloads of IPv6 frames a peer hands over, core-kernel has no IPv6.
 */
public final class Ipv6PseudoHeader {
    private Ipv6PseudoHeader() {
    }

    /**
     * Source and destination address of the IPv6 header at {@code ip}, the upper-layer length
     * (32 bits) and next header: a partial sum to add to the transport segment's.
     */
    public static long sum(byte[] a, int ip, int nextHeader, int l4Length) {
        return Checksum.partial(a, ip + 8, 32) + (l4Length & 0xffffffffL) + (nextHeader & 0xff);
    }
}
