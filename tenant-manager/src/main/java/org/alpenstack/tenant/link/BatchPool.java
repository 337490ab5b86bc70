package org.alpenstack.tenant.link;

import java.util.ArrayDeque;

/**
 * The idle {@link InboundBatch}es of one NIC, shared by the inboxes of all its instances, in two
 * sizes. Kept per instance, every instance that ever received a frame held a 256 KiB batch while
 * idle (in MAC mode one broadcast ARP reaches them all: a quarter of a GiB for a thousand
 * instances). Shared, memory follows the traffic: what the instances have in flight, plus a
 * few idle batches for the next burst, whichever instance it is for.
 *
 * <p>An inbox starts a burst with a {@link #SMALL_BYTES small} batch and moves to
 * {@link Inbox#BATCH_BYTES large} ones only when that fills: a broadcast delivered to a thousand
 * instances then takes a thousand 16 KiB batches, which stay pooled for the next broadcast,
 * where large batches would be 256 MiB of garbage per broadcast (the pool cannot keep that many).
 *
 * <p>Any thread: RX threads take batches (under their inbox's lock; this lock is always taken
 * second, and nothing here calls back), instance contexts give them back after a drain.
 */
final class BatchPool {
    static final int SMALL_BYTES = 16 * 1024;
    static final int SMALL_FRAMES = 128;

    private final int maxIdleLarge;
    private final int maxIdleSmall;
    /** Most recently returned first: its memory is the likeliest to be in a cache. */
    private final ArrayDeque<InboundBatch> large = new ArrayDeque<>();
    private final ArrayDeque<InboundBatch> small = new ArrayDeque<>();
    private long created;

    /**
     * @param maxIdleLarge idle 256 KiB batches kept
     * @param maxIdleSmall idle 16 KiB batches kept (about one per instance that receives broadcasts)
     */
    BatchPool(int maxIdleLarge, int maxIdleSmall) {
        this.maxIdleLarge = maxIdleLarge;
        this.maxIdleSmall = maxIdleSmall;
    }

    /** A batch of 256 KiB (512 frames), or of 16 KiB (128 frames) if {@code small}. */
    synchronized InboundBatch take(boolean small) {
        InboundBatch b = (small ? this.small : large).pollFirst();
        if (b == null) {
            created++;
            b = small ? new InboundBatch(SMALL_BYTES, SMALL_FRAMES) : new InboundBatch(Inbox.BATCH_BYTES, Inbox.BATCH_FRAMES);
        }
        return b;
    }

    /** Takes back a drained batch; beyond the idle limit of its size it is left to the GC. */
    synchronized void give(InboundBatch b) {
        b.clear();
        boolean isSmall = b.capacity() == SMALL_BYTES;
        ArrayDeque<InboundBatch> q = isSmall ? small : large;
        if (q.size() < (isSmall ? maxIdleSmall : maxIdleLarge)) {
            q.addFirst(b);
        }
    }

    /** Batches waiting for use, both sizes. */
    synchronized int idle() {
        return large.size() + small.size();
    }

    /** Batches allocated so far (steady traffic stops adding to it). */
    synchronized long created() {
        return created;
    }
}
