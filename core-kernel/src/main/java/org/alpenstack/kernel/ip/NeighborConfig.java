package org.alpenstack.kernel.ip;

import org.alpenstack.kernel.time.Clock;

/**
 * Tunables of the neighbour cache, defaulting to Linux's net.ipv4.neigh.default.* values.
 * Mutable: set before traffic starts (or between packets, on the stack's thread).
 */
public final class NeighborConfig {
    /** retrans_time_ms: time between ARP requests of one resolution. */
    public long retransTime = Clock.seconds(1);
    /** mcast_solicit: broadcast requests before an INCOMPLETE entry fails. */
    public int multicastProbes = 3;
    /** ucast_solicit: unicast requests before a PROBE entry fails. */
    public int unicastProbes = 3;
    /**
     * base_reachable_time_ms. Linux picks a random time in [0.5, 1.5] of it per entry (RFC 4861
     * 6.3.2); we use the base value so the manual clock gives reproducible timelines.
     */
    public long reachableTime = Clock.seconds(30);
    /** delay_first_probe_time. */
    public long delayFirstProbeTime = Clock.seconds(5);
    /** gc_stale_time: an unused STALE or FAILED entry is removed after this. */
    public long gcStaleTime = Clock.seconds(60);
    /**
     * unres_qlen: packets queued per unresolved address; beyond it the oldest is dropped, as Linux
     * does (RFC 1122 2.3.2.2 asks for at least one).
     */
    public int pendingLimit = 101;
    /** gc_thresh3: the most entries per interface. */
    public int maxEntries = 1024;
}
