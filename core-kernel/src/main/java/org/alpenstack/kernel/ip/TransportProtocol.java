package org.alpenstack.kernel.ip;

import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * A protocol above IP (UDP, TCP, ICMP sockets) as the IPv4 layer sees it. The NetStack keeps
 * one per protocol number and calls it on the stack's thread.
 */
public interface TransportProtocol {
    /** The IP protocol number (RFC 790 / IANA): 6 for TCP, 17 for UDP. */
    int protocolNumber();

    /**
     * A reassembled, checked IP payload for this protocol. {@code payload} starts at the
     * transport header and ends where the IP total length says; it is lent for this call only.
     * The transport verifies its own checksum (with the pseudo-header from {@code ip}).
     */
    void receive(IpPacketInfo ip, PacketBuffer payload);

    /**
     * An ICMP error (RFC 1122 section 3.2.2, RFC 1191) about a packet we sent.
     * {@code quoted} holds the quoted IP header followed by at least 8 bytes of our transport
     * header (RFC 792), from {@code quotedOffset} for {@code quotedLength} bytes; lent for this
     * call only.
     *
     * @param errno the Linux errno this error maps to (ECONNREFUSED, EHOSTUNREACH, ENETUNREACH,
     *              EMSGSIZE for fragmentation-needed, ...), as Linux's icmp_err_convert does
     * @param nextHopMtu for fragmentation-needed, the MTU it reports (0 otherwise)
     */
    void icmpError(int icmpType, int icmpCode, int errno, int nextHopMtu,
                   byte[] quoted, int quotedOffset, int quotedLength);
}
