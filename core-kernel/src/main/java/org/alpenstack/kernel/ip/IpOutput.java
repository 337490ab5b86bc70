package org.alpenstack.kernel.ip;

import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * How a transport protocol sends: the NetStack's IPv4 output (route lookup, source address
 * selection, neighbour resolution, fragmentation) behind one interface, so transports can be
 * tested against a scripted peer without a whole stack.
 */
public interface IpOutput {
    /** Default TTL (Linux's net.ipv4.ip_default_ttl). */
    int DEFAULT_TTL = 64;

    /**
     * Sends {@code payload} (the transport header and data, with at least
     * {@code BufferPool.DEFAULT_HEADROOM} bytes of headroom) to {@code destination}. Takes
     * ownership of the buffer in every case.
     *
     * @param source our address to send from, or 0 to let the route choose one
     * @param dontFragment set DF (TCP with path MTU discovery, RFC 1191)
     * @return 0, or -errno: ENETUNREACH (no route), EHOSTUNREACH, EMSGSIZE (DF and too big),
     *         ENOBUFS (neighbour queue full)
     */
    int send(PacketBuffer payload, int source, int destination, int protocol, int tos, int ttl, boolean dontFragment);

    /**
     * The source address a packet to {@code destination} would leave with (RFC 1122 3.3.4.3),
     * or 0 if there is no route.
     */
    int sourceAddressFor(int destination);

    /** The path MTU towards {@code destination}: the route's MTU, lowered by ICMP (RFC 1191); 0 if no route. */
    int pathMtu(int destination);

    /**
     * The transmit offloads ({@code Link.OFFLOAD_*}) of the interface a packet to
     * {@code destination} leaves by; 0 if there is no route or the interface has none. A sender
     * may then hand {@link #send} packets with a partial checksum or TCP super-segments; the IP
     * layer finishes them in software if the interface no longer takes them when they leave.
     */
    default int txOffloads(int destination) {
        return 0;
    }

    /** True if {@code address} is one of this stack's own unicast addresses. */
    boolean isLocalAddress(int address);
}
