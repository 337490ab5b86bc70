package org.alpenstack.kernel.ip;

/**
 * The ICMP services the IPv4 layer needs, implemented by the ICMP module (kept as an interface
 * so the IP layer does not depend on it).
 */
public interface IcmpErrorReporter {
    /**
     * Sends an ICMP error about the datagram whose IPv4 header starts at {@code a[off]} and that
     * has {@code len} bytes available, unless RFC 1122 3.2.2 forbids it (an error about an
     * ICMP error, a broadcast, a non-initial fragment, a non-unicast source) or the rate limit
     * says no.
     *
     * @param restOfHeader the second 32-bit word of the ICMP header (next-hop MTU, pointer)
     * @param linkBroadcast the datagram was received as a link-layer or IP broadcast/multicast
     */
    void sendError(int type, int code, int restOfHeader, byte[] a, int off, int len, boolean linkBroadcast);

    /**
     * An error about a datagram we sent that arises inside this stack (neighbour resolution
     * failed: Linux sends itself ICMP host unreachable): hands it to the transport as if it had
     * arrived from the network. {@code a[off..off+len)} is our own IPv4 packet.
     */
    void localError(int type, int code, byte[] a, int off, int len);

    /**
     * While an error is being handed to a transport: the address of the host that sent it (for
     * IP_RECVERR's offender); our own address for errors raised inside the stack.
     */
    int currentErrorSource();
}
