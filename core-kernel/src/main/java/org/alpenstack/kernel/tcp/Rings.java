package org.alpenstack.kernel.tcp;

/**
 * Growth of the byte rings behind {@link SendBuffer} and {@link ReceiveBuffer}. A ring starts
 * empty and doubles from {@link #MIN_RING} when bytes need the room, up to the buffer's
 * capacity, so an idle connection holds no data storage (as Linux allocates skbs only for
 * queued data) and a bulk one reaches its full ring after a few doublings, then never again.
 */
final class Rings {
    /** The first ring a buffer allocates. */
    static final int MIN_RING = 2048;

    private Rings() {
    }

    /**
     * A ring of at least {@code need} bytes (doubling from the current size, at most
     * {@code capacity}) holding the {@code keep} bytes that start at {@code head} of the old ring
     * (wrapping), moved to its start.
     */
    static byte[] grown(byte[] ring, int head, int keep, int need, int capacity) {
        int size = Math.max(MIN_RING, ring.length);
        while (size < need) {
            size <<= 1;
        }
        byte[] bigger = new byte[Math.min(size, capacity)];
        int first = Math.min(keep, ring.length - head);
        System.arraycopy(ring, head, bigger, 0, first);
        System.arraycopy(ring, 0, bigger, first, keep - first);
        return bigger;
    }
}
