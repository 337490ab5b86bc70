package org.alpenstack.kernel.ip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.iface.NetInterface;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.time.Timer;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * The ARP cache of one interface (RFC 826, RFC 1122 section 2.3.2), run as Linux runs it: a
 * state machine per neighbour (see {@link NeighborState}) driven by packets to send, ARP
 * packets received, and one timer per entry.
 *
 * <ul>
 * <li>Sending to an unknown address creates an INCOMPLETE entry, broadcasts a request and
 *     queues the packet (at most {@link NeighborConfig#pendingLimit}; the oldest is dropped
 *     first and counted). Requests are repeated every retransTime; after multicastProbes
 *     unanswered requests the entry FAILS, the queued packets are dropped and each sender is
 *     told EHOSTUNREACH (Linux does it with an ICMP host unreachable to itself,
 *     arp_error_report; RFC 1122 2.3.2.2).</li>
 * <li>A reply to us confirms (REACHABLE). After reachableTime without confirmation an entry
 *     becomes STALE; a STALE entry is still used, moves to DELAY and then PROBE with unicast
 *     requests, and FAILS if those go unanswered.</li>
 * <li>RFC 826 merge: an ARP packet from a known neighbour updates its MAC; a request aimed at
 *     us creates an entry (STALE: heard from, not confirmed) since we are about to talk back.</li>
 * <li>STATIC entries are never changed by the network and never expire.</li>
 * </ul>
 */
public final class NeighborCache {
    /** What the cache needs from the IP layer. */
    public interface Hooks {
        /** Send an ARP request for {@code targetIp}; {@code targetMac} 0 means broadcast. */
        void sendArpRequest(NetInterface iface, int targetIp, long targetMac);

        /** Send the IP packet (starting at its IPv4 header) to {@code mac}; takes ownership. */
        void transmitResolved(NetInterface iface, PacketBuffer ipPacket, long mac);

        /** Resolution failed for this queued IP packet: tell its sender; takes ownership. */
        void resolutionFailed(NetInterface iface, PacketBuffer ipPacket);
    }

    private final class Entry implements org.alpenstack.kernel.time.TimerTask {
        final int address;
        long mac;
        NeighborState state;
        int probes;
        long lastUsed;
        long confirmed;
        ArrayDeque<PacketBuffer> pending;
        final Timer timer = new Timer(this);

        Entry(int address) {
            this.address = address;
        }

        @Override
        public void onTimer(long now) {
            timerFired(this, now);
        }

        int pendingCount() {
            return pending == null ? 0 : pending.size();
        }
    }

    private final NetInterface iface;
    private final TimerWheel timers;
    private final StackCounters counters;
    private final Hooks hooks;
    private final NeighborConfig config;
    private final IntMap<Entry> entries = new IntMap<>();

    public NeighborCache(NetInterface iface, TimerWheel timers, StackCounters counters, NeighborConfig config, Hooks hooks) {
        this.iface = iface;
        this.timers = timers;
        this.counters = counters;
        this.config = config;
        this.hooks = hooks;
    }

    public NeighborConfig config() {
        return config;
    }

    /**
     * Sends an IP packet to the neighbour {@code nextHop}: at once if its MAC is known, else
     * after resolution. Takes ownership of {@code ipPacket}.
     */
    public void send(PacketBuffer ipPacket, int nextHop, long now) {
        Entry e = entries.get(nextHop);
        if (e == null) {
            if (entries.size() >= config.maxEntries && !evictOne()) {
                counters.drop(DropReason.ARP_PENDING_QUEUE_FULL);
                ipPacket.release();
                return;
            }
            e = new Entry(nextHop);
            entries.put(nextHop, e);
            e.state = NeighborState.FAILED;
        }
        e.lastUsed = now;
        switch (e.state) {
            case REACHABLE, DELAY, PROBE, STATIC -> hooks.transmitResolved(iface, ipPacket, e.mac);
            case STALE -> {
                // RFC 4861 7.3.3 as Linux applies it to ARP: use the stale address, verify soon.
                e.state = NeighborState.DELAY;
                timers.schedule(e.timer, now + config.delayFirstProbeTime);
                hooks.transmitResolved(iface, ipPacket, e.mac);
            }
            case INCOMPLETE -> enqueue(e, ipPacket);
            case FAILED -> {
                // A new packet restarts resolution (Linux __neigh_event_send from NUD_FAILED/NUD_NONE).
                e.state = NeighborState.INCOMPLETE;
                e.probes = 0;
                enqueue(e, ipPacket);
                solicit(e, now);
            }
        }
    }

    /**
     * An ARP packet from {@code senderIp}/{@code senderMac} arrived on this interface.
     *
     * @param targetIsUs the target protocol address is one of our addresses on this interface
     * @param reply the packet is a reply (else a request, possibly gratuitous)
     */
    public void arpReceived(int senderIp, long senderMac, boolean targetIsUs, boolean reply, long now) {
        Entry e = entries.get(senderIp);
        if (e == null) {
            if (!targetIsUs || reply) {
                // RFC 826: only a request aimed at us creates an entry (Linux arp_accept=0).
                return;
            }
            if (entries.size() >= config.maxEntries && !evictOne()) {
                return;
            }
            e = new Entry(senderIp);
            entries.put(senderIp, e);
            e.state = NeighborState.FAILED;
            e.lastUsed = now;
        }
        if (e.state == NeighborState.STATIC) {
            return;
        }
        boolean confirmation = reply && targetIsUs;
        NeighborState old = e.state;
        boolean macChanged = e.mac != senderMac;
        e.mac = senderMac;
        if (confirmation) {
            e.state = NeighborState.REACHABLE;
            e.confirmed = now;
            timers.schedule(e.timer, now + config.reachableTime);
        } else if (macChanged || old != NeighborState.REACHABLE) {
            // Heard from, not confirmed: usable but to be verified (Linux's NUD_STALE update,
            // which also ends a DELAY/PROBE cycle: the neighbour is evidently there).
            e.state = NeighborState.STALE;
            timers.schedule(e.timer, now + config.gcStaleTime);
        }
        if (e.state.isValid() && e.pending != null) {
            flush(e);
        }
    }

    /** Adds or replaces a static entry ({@code ip neigh replace ... nud permanent}). */
    public int addStatic(int address, MacAddress mac) {
        if (mac.isMulticast() || mac.bits() == 0) {
            return -Errno.EINVAL;
        }
        Entry e = entries.get(address);
        if (e == null) {
            e = new Entry(address);
            entries.put(address, e);
        }
        timers.cancel(e.timer);
        e.mac = mac.bits();
        e.state = NeighborState.STATIC;
        if (e.pending != null) {
            flush(e);
        }
        return 0;
    }

    /** Removes the entry for {@code address} (dropping its queue); ENOENT if there is none. */
    public int remove(int address) {
        Entry e = entries.remove(address);
        if (e == null) {
            return -Errno.ENOENT;
        }
        drop(e);
        return 0;
    }

    /** Removes every entry, static ones too ({@code ip neigh flush dev X}); returns how many. */
    public int flushAll() {
        List<Entry> all = entries.values();
        entries.clear();
        for (Entry e : all) {
            drop(e);
        }
        return all.size();
    }

    public NeighborState state(int address) {
        Entry e = entries.get(address);
        return e == null ? null : e.state;
    }

    /** The known MAC (as 48-bit long) or -1 if none is usable. */
    public long macOf(int address) {
        Entry e = entries.get(address);
        return e == null || !e.state.isValid() ? -1 : e.mac;
    }

    public int pendingCount(int address) {
        Entry e = entries.get(address);
        return e == null ? 0 : e.pendingCount();
    }

    public int size() {
        return entries.size();
    }

    public List<NeighborEntry> entries() {
        ArrayList<NeighborEntry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            out.add(new NeighborEntry(iface.index(), e.address, new MacAddress(e.mac), e.state, e.pendingCount()));
        }
        return out;
    }

    private void enqueue(Entry e, PacketBuffer p) {
        if (e.pending == null) {
            e.pending = new ArrayDeque<>();
        }
        if (e.pending.size() >= config.pendingLimit) {
            // Linux drops the oldest queued packet to make room (neigh_event_send, unres_qlen).
            counters.drop(DropReason.ARP_PENDING_QUEUE_FULL);
            e.pending.pollFirst().release();
        }
        e.pending.addLast(p);
    }

    private void solicit(Entry e, long now) {
        e.probes++;
        hooks.sendArpRequest(iface, e.address, e.state == NeighborState.PROBE ? e.mac : 0);
        timers.schedule(e.timer, now + config.retransTime);
    }

    private void timerFired(Entry e, long now) {
        switch (e.state) {
            case INCOMPLETE -> {
                if (e.probes < config.multicastProbes) {
                    solicit(e, now);
                } else {
                    fail(e, now);
                }
            }
            case PROBE -> {
                if (e.probes < config.unicastProbes) {
                    solicit(e, now);
                } else {
                    fail(e, now);
                }
            }
            case DELAY -> {
                e.state = NeighborState.PROBE;
                e.probes = 0;
                solicit(e, now);
            }
            case REACHABLE -> {
                e.state = NeighborState.STALE;
                timers.schedule(e.timer, now + config.gcStaleTime);
            }
            case STALE, FAILED -> {
                long idle = now - e.lastUsed;
                if (idle >= config.gcStaleTime) {
                    entries.remove(e.address);
                    drop(e);
                } else {
                    timers.schedule(e.timer, e.lastUsed + config.gcStaleTime);
                }
            }
            case STATIC -> {
            }
        }
    }

    private void fail(Entry e, long now) {
        e.state = NeighborState.FAILED;
        e.probes = 0;
        timers.schedule(e.timer, now + config.gcStaleTime);
        if (e.pending != null) {
            ArrayDeque<PacketBuffer> q = e.pending;
            e.pending = null;
            PacketBuffer p;
            while ((p = q.pollFirst()) != null) {
                counters.drop(DropReason.ARP_RESOLUTION_FAILED);
                hooks.resolutionFailed(iface, p);
            }
        }
    }

    private void flush(Entry e) {
        ArrayDeque<PacketBuffer> q = e.pending;
        e.pending = null;
        PacketBuffer p;
        while ((p = q.pollFirst()) != null) {
            hooks.transmitResolved(iface, p, e.mac);
        }
    }

    private void drop(Entry e) {
        timers.cancel(e.timer);
        if (e.pending != null) {
            PacketBuffer p;
            while ((p = e.pending.pollFirst()) != null) {
                counters.drop(DropReason.ARP_RESOLUTION_FAILED);
                p.release();
            }
            e.pending = null;
        }
    }

    /** Makes room by removing one FAILED or STALE entry (Linux's forced gc); false if none. */
    private boolean evictOne() {
        for (Entry e : entries.values()) {
            if (e.state == NeighborState.FAILED || e.state == NeighborState.STALE) {
                entries.remove(e.address);
                drop(e);
                return true;
            }
        }
        return false;
    }
}
