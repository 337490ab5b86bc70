package org.alpenstack.kernel.stack;

/**
 * Why a packet was dropped. Every drop in the stack is counted under exactly one reason
 * (ARCHITECTURE.md: "A packet that fails a check is dropped and counted under a DropReason,
 * never thrown past the layer that found the problem"). Reasons are grouped by the layer that
 * decides; the names appear in /stats and /metrics, so keep them stable.
 */
public enum DropReason {
    // Link / Ethernet
    ETH_TRUNCATED,
    ETH_NOT_FOR_US,
    ETH_UNKNOWN_ETHERTYPE,
    ETH_VLAN_NOT_SUPPORTED,
    // ARP (RFC 826)
    ARP_TRUNCATED,
    ARP_UNSUPPORTED_HARDWARE_OR_PROTOCOL,
    ARP_BAD_OPCODE,
    ARP_NOT_FOR_US,
    ARP_PENDING_QUEUE_FULL,
    ARP_RESOLUTION_FAILED,
    /** An ARP packet whose sender claims an address that is ours or is not a unicast address. */
    ARP_BAD_SENDER,
    // IPv4 (RFC 791, RFC 1122)
    IPV4_TRUNCATED,
    IPV4_BAD_VERSION,
    IPV4_BAD_HEADER_LENGTH,
    IPV4_BAD_TOTAL_LENGTH,
    IPV4_BAD_CHECKSUM,
    IPV4_BAD_SOURCE,
    IPV4_TTL_EXPIRED,
    IPV4_NOT_FOR_US,
    IPV4_UNKNOWN_PROTOCOL,
    IPV4_NO_ROUTE,
    IPV4_FRAGMENT_NEEDED_DF,
    IPV4_FRAG_BAD_OFFSET,
    IPV4_FRAG_OVERLAP,
    IPV4_FRAG_MEMORY_LIMIT,
    IPV4_FRAG_TIMEOUT,
    IPV4_FRAG_TOO_BIG,
    /** An exact duplicate of a fragment we already hold (dropped alone, the datagram survives). */
    IPV4_FRAG_DUPLICATE,
    /**
     * Longer than the receiving interface's MTU and not a TCP packet the link driver coalesced
     * (what a device drops before IP, as Linux veth's is_skb_forwardable).
     */
    IPV4_LONGER_THAN_MTU,
    // ICMPv4 (RFC 792)
    ICMP_TRUNCATED,
    ICMP_BAD_CHECKSUM,
    ICMP_UNKNOWN_TYPE,
    ICMP_RATE_LIMITED,
    ICMP_ERROR_NO_SOCKET,
    /** An ICMP error that quotes too little of the original datagram to match a socket. */
    ICMP_BAD_QUOTE,
    /** An echo reply no ping socket is waiting for. */
    ICMP_ECHO_NO_SOCKET,
    // UDP (RFC 768)
    UDP_TRUNCATED,
    UDP_BAD_LENGTH,
    UDP_BAD_CHECKSUM,
    UDP_NO_SOCKET,
    UDP_RECEIVE_QUEUE_FULL,
    // TCP (RFC 9293)
    TCP_TRUNCATED,
    TCP_BAD_DATA_OFFSET,
    TCP_BAD_CHECKSUM,
    TCP_BAD_OPTIONS,
    TCP_NO_SOCKET,
    TCP_OUT_OF_WINDOW,
    TCP_PAWS_REJECTED,
    TCP_BAD_ACK,
    TCP_RST_IGNORED,
    TCP_SYN_QUEUE_FULL,
    TCP_ACCEPT_QUEUE_FULL,
    TCP_BAD_SYN_COOKIE,
    TCP_RECEIVE_BUFFER_FULL,
    TCP_UNEXPECTED_SEGMENT,
    // Stack-wide
    NO_BUFFER,
    INTERFACE_DOWN,
    /**
     * A bug: an exception escaped a protocol handler. The frame entry point catches it so the
     * link never sees it; tests assert this count stays zero.
     */
    INTERNAL_ERROR,
    /** Dropped on purpose by a fault-injecting link (counted there, not in the stack). */
    INJECTED_LOSS
}
