package org.alpenstack.kernel.link;

/**
 * The forwarding database of a learning bridge (IEEE 802.1D clause 7.8): which port a source
 * MAC was last seen on, forgotten after an ageing time (Linux bridge default: 300 s).
 *
 * <p>Open addressing over primitive arrays, so learning and lookup allocate nothing. The table
 * is twice the entry limit, so a probe always ends at an empty slot. Entries are never removed,
 * only overwritten: an aged entry is reused by the next address that probes past it, which keeps
 * probe chains intact without tombstones. When the table is full of live entries, new addresses
 * are not learned and their frames are flooded, as a real bridge does.
 */
final class MacTable {
    private static final long EMPTY = -1L;

    private final long[] macs;
    private final int[] ports;
    private final long[] lastSeen;
    private final int mask;
    private final int limit;
    private final long ageingNanos;
    private int count;

    MacTable(int limit, long ageingNanos) {
        int size = Integer.highestOneBit(Math.max(2, limit) * 2 - 1) << 1;
        this.macs = new long[size];
        this.ports = new int[size];
        this.lastSeen = new long[size];
        this.mask = size - 1;
        this.limit = limit;
        this.ageingNanos = ageingNanos;
        java.util.Arrays.fill(macs, EMPTY);
    }

    /** Records that {@code mac} was seen as a source on {@code port} at {@code now}. */
    void learn(long mac, int port, long now) {
        int stale = -1;
        for (int i = slot(mac); ; i = (i + 1) & mask) {
            long m = macs[i];
            if (m == mac) {
                ports[i] = port;
                lastSeen[i] = now;
                return;
            }
            if (m == EMPTY) {
                if (stale >= 0) {
                    i = stale;
                } else if (count < limit) {
                    count++;
                } else {
                    return;
                }
                macs[i] = mac;
                ports[i] = port;
                lastSeen[i] = now;
                return;
            }
            if (stale < 0 && now - lastSeen[i] > ageingNanos) {
                stale = i;
            }
        }
    }

    /** The port {@code mac} was last seen on, or -1 if unknown or aged out. */
    int lookup(long mac, long now) {
        for (int i = slot(mac); ; i = (i + 1) & mask) {
            long m = macs[i];
            if (m == mac) {
                return now - lastSeen[i] > ageingNanos ? -1 : ports[i];
            }
            if (m == EMPTY) {
                return -1;
            }
        }
    }

    private int slot(long mac) {
        return (int) ((mac * 0x9E37_79B9_7F4A_7C15L) >>> 40) & mask;
    }
}
