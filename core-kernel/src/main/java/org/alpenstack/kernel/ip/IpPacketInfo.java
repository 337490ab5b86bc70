package org.alpenstack.kernel.ip;

/**
 * The IP-level facts about a packet that the network layer hands to a transport protocol with
 * its payload. One instance per stack is reused for every packet (no allocation per packet):
 * a transport copies what it keeps.
 */
public final class IpPacketInfo {
    /** Source address (IPv4 as int). */
    public int source;
    /** Destination address as it appeared in the header (may be broadcast/multicast). */
    public int destination;
    public int protocol;
    public int ttl;
    /** The whole TOS byte (DSCP and the two ECN bits, RFC 3168). */
    public int tos;
    /** Index of the interface the packet arrived on. */
    public int interfaceIndex;
    /** The packet was addressed to a broadcast or multicast address, not to one of ours. */
    public boolean linkBroadcast;
    /**
     * The whole IPv4 packet (header first) this payload came in, valid for the delivery call
     * only: a transport that must answer with an ICMP error (UDP port unreachable) quotes it
     * from here. For a reassembled datagram it is the reassembled packet.
     */
    public byte[] packet;
    /** Offset of the IPv4 header in {@link #packet}. */
    public int packetOffset;
    /** Length of the IPv4 header, options included. */
    public int headerLength;
    /** The IPv4 total length (header and payload). */
    public int totalLength;
    /**
     * The link driver already verified the TCP/UDP checksum (see
     * {@link org.alpenstack.kernel.buf.PacketBuffer#transportChecksumVerified()}), so the
     * transport may skip its own check. False for anything the driver did not vouch for.
     */
    public boolean transportChecksumVerified;
    /**
     * Payload bytes per wire segment when the driver coalesced this TCP packet from several wire
     * segments and it is larger than the interface MTU ({@link org.alpenstack.kernel.buf.PacketBuffer#receivedGsoSize()}),
     * so TCP can count wire segments as Linux does with gso_segs; 0 otherwise.
     */
    public int receivedGsoSize;

    public void clear() {
        source = 0;
        destination = 0;
        protocol = 0;
        ttl = 0;
        tos = 0;
        interfaceIndex = 0;
        linkBroadcast = false;
        packet = null;
        packetOffset = 0;
        headerLength = 0;
        totalLength = 0;
        transportChecksumVerified = false;
        receivedGsoSize = 0;
    }
}
