package org.alpenstack.tenant.link;

import java.util.ArrayDeque;

/**
 * The idle {@link InboundBatch}es of one NIC, shared by the inboxes of all its instances.
 * Batches are 256 KiB: kept per instance, every instance that ever received a frame (in MAC
 * mode a broadcast ARP reaches them all) held one while idle, a quarter of a GiB for a thousand
 * instances. Shared, memory follows the traffic instead: what the busy instances have in flight,
 * plus at most {@code maxIdle} batches waiting for the next burst, whichever instance it is for.
 *
 * <p>Any thread: RX threads take batches (under their inbox's lock; this lock is always taken
 * second, and nothing here calls back), instance contexts give them back after a drain.
 */
final class BatchPool {
    private final int maxIdle;
    /** Most recently returned first: its memory is the likeliest to be in a cache. */
    private final ArrayDeque<InboundBatch> idle = new ArrayDeque<>();
    private long created;

    BatchPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    synchronized InboundBatch take() {
        InboundBatch b = idle.pollFirst();
        if (b == null) {
            created++;
            b = new InboundBatch(Inbox.BATCH_BYTES, Inbox.BATCH_FRAMES);
        }
        return b;
    }

    /** Takes back a drained batch; beyond {@code maxIdle} it is left to the GC. */
    synchronized void give(InboundBatch b) {
        b.clear();
        if (idle.size() < maxIdle) {
            idle.addFirst(b);
        }
    }

    /** Batches waiting for use. */
    synchronized int idle() {
        return idle.size();
    }

    /** Batches allocated so far (steady traffic stops adding to it). */
    synchronized long created() {
        return created;
    }
}
