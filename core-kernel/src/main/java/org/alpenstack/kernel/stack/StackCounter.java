package org.alpenstack.kernel.stack;

/**
 * Event counters of one stack, in the spirit of {@code netstat -s} / /proc/net/snmp (the SNMP
 * MIB names of RFC 4293 and RFC 4113 follow each constant). Drops are counted separately, by
 * {@link DropReason}.
 */
public enum StackCounter {
    ETH_IN_FRAMES, ETH_IN_OCTETS, ETH_OUT_FRAMES, ETH_OUT_OCTETS,
    ARP_IN_REQUESTS, ARP_IN_REPLIES, ARP_OUT_REQUESTS, ARP_OUT_REPLIES,
    /** ipInReceives */
    IP_IN_RECEIVES,
    /** ipInHdrErrors */
    IP_IN_HDR_ERRORS,
    /** ipInAddrErrors */
    IP_IN_ADDR_ERRORS,
    /** ipInUnknownProtos */
    IP_IN_UNKNOWN_PROTOS,
    /** ipInDiscards */
    IP_IN_DISCARDS,
    /** ipInDelivers */
    IP_IN_DELIVERS,
    /** ipOutRequests */
    IP_OUT_REQUESTS,
    /** ipOutDiscards */
    IP_OUT_DISCARDS,
    /** ipOutNoRoutes */
    IP_OUT_NO_ROUTES,
    /** ipReasmTimeout (in seconds in the MIB; here: datagrams timed out) */
    IP_REASM_TIMEOUT,
    IP_REASM_REQDS, IP_REASM_OKS, IP_REASM_FAILS,
    IP_FRAG_OKS, IP_FRAG_FAILS, IP_FRAG_CREATES,
    ICMP_IN_MSGS, ICMP_IN_ERRORS, ICMP_IN_CSUM_ERRORS, ICMP_IN_DEST_UNREACHS, ICMP_IN_TIME_EXCDS,
    ICMP_IN_PARM_PROBS, ICMP_IN_ECHOS, ICMP_IN_ECHO_REPS,
    ICMP_OUT_MSGS, ICMP_OUT_ERRORS, ICMP_OUT_RATE_LIMITED, ICMP_OUT_DEST_UNREACHS, ICMP_OUT_TIME_EXCDS,
    ICMP_OUT_ECHOS, ICMP_OUT_ECHO_REPS,
    UDP_IN_DATAGRAMS, UDP_NO_PORTS, UDP_IN_ERRORS, UDP_OUT_DATAGRAMS, UDP_RCVBUF_ERRORS,
    UDP_SNDBUF_ERRORS, UDP_IN_CSUM_ERRORS
}
