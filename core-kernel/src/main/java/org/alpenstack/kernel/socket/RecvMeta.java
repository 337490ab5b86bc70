package org.alpenstack.kernel.socket;

/**
 * What a datagram receive reports besides the bytes (recvmsg's msg_name, msg_flags and the
 * IP_PKTINFO/IP_TTL/IP_TOS control data). The caller passes one in and reuses it: no
 * allocation per datagram.
 */
public final class RecvMeta {
    public int sourceAddress;
    public int sourcePort;
    /** The destination address the datagram was sent to (IP_PKTINFO's ipi_addr). */
    public int destinationAddress;
    public int interfaceIndex;
    public int ttl;
    public int tos;
    /** Output flags: MSG_TRUNC if the datagram was longer than the buffer. */
    public int flags;

    public void clear() {
        sourceAddress = 0;
        sourcePort = 0;
        destinationAddress = 0;
        interfaceIndex = 0;
        ttl = 0;
        tos = 0;
        flags = 0;
    }

    public InetEndpoint source() {
        return new InetEndpoint(sourceAddress, sourcePort);
    }
}
