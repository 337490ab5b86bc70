package org.alpenstack.kernel.ip;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.time.Clock;

/**
 * Path MTUs learned from ICMP "fragmentation needed" (RFC 1191), per destination, with expiry
 * (RFC 1191 section 6.3 suggests re-probing after about 10 minutes; Linux's mtu_expires is 600 s).
 * Values below {@link #MIN_PMTU} are raised to it, as Linux's min_pmtu (552) does, so a forged
 * ICMP cannot shrink our packets to nothing.
 */
public final class PathMtuCache {
    public static final int MIN_PMTU = 552;
    public static final long DEFAULT_EXPIRY = Clock.seconds(600);
    public static final int DEFAULT_CAPACITY = 1024;

    private static final class Entry {
        int destination;
        int mtu;
        long expires;
    }

    private final IntMap<Entry> entries = new IntMap<>();
    private long expiry = DEFAULT_EXPIRY;
    private int capacity = DEFAULT_CAPACITY;

    public void setExpiry(long nanos) {
        this.expiry = nanos;
    }

    /** The learned path MTU to {@code destination}, or 0 if none (or expired). */
    public int get(int destination, long now) {
        Entry e = entries.get(destination);
        if (e == null) {
            return 0;
        }
        if (now - e.expires >= 0) {
            entries.remove(destination);
            return 0;
        }
        return e.mtu;
    }

    /**
     * Records that the path to {@code destination} carries at most {@code mtu} bytes. Only ever
     * lowers a known value (RFC 1191 section 6.1: an increase is learned by expiry, not by ICMP).
     * Returns the MTU now in effect.
     */
    public int update(int destination, int mtu, long now) {
        int m = Math.max(mtu, MIN_PMTU);
        Entry e = entries.get(destination);
        if (e != null && now - e.expires < 0 && e.mtu <= m) {
            return e.mtu;
        }
        if (e == null) {
            if (entries.size() >= capacity) {
                evictOldest();
            }
            e = new Entry();
            e.destination = destination;
            entries.put(destination, e);
        }
        e.mtu = m;
        e.expires = now + expiry;
        return m;
    }

    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    /** (destination, mtu) pairs for snapshots. */
    public List<int[]> entries(long now) {
        ArrayList<int[]> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (now - e.expires < 0) {
                out.add(new int[] {e.destination, e.mtu});
            }
        }
        return out;
    }

    private void evictOldest() {
        Entry oldest = null;
        for (Entry e : entries.values()) {
            if (oldest == null || e.expires - oldest.expires < 0) {
                oldest = e;
            }
        }
        if (oldest != null) {
            entries.remove(oldest.destination);
        }
    }
}
