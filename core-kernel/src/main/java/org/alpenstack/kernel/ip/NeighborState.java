package org.alpenstack.kernel.ip;

/**
 * Neighbour Unreachability Detection states, named as Linux's NUD states (RFC 4861 section 7.3.2
 * defines them for IPv6; Linux applies the same machine to ARP, which RFC 1122 2.3.2.1 leaves open).
 */
public enum NeighborState {
    /** Request sent, no answer yet; packets wait in the entry's pending queue. */
    INCOMPLETE,
    /** Confirmed recently (an ARP reply to our request). */
    REACHABLE,
    /** Known address, not confirmed for a while; still used, re-verified on use. */
    STALE,
    /** Used while stale: wait a little for a confirmation before probing. */
    DELAY,
    /** Unicast ARP requests sent to the known address to re-verify it. */
    PROBE,
    /** Resolution failed; the next packet starts over. */
    FAILED,
    /** Configured by hand ({@code ip neigh add ... nud permanent}); never expires or changes. */
    STATIC;

    /** States in which the known MAC may be used to send. */
    public boolean isValid() {
        return this == REACHABLE || this == STALE || this == DELAY || this == PROBE || this == STATIC;
    }
}
