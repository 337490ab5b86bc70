package org.alpenstack.tenant.link;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The frames waiting for one instance. Producers are the RX threads of the NICs the instance is
 * on and the contexts of local instances sending hairpin frames; the consumer is the instance's
 * own context. A producer {@link #offer offers} frames and then {@link #flush flushes}: a flush
 * schedules at most one drain task on the instance's context, however many frames and batches
 * are waiting, so the context sees one task per RX batch (or fewer under load), never one per
 * packet.
 *
 * <p>Memory is bounded: an inbox holds at most {@code maxBatches} batches at a time, taken from
 * its NIC's {@link BatchPool} when frames arrive (a small one first) and given back when
 * drained, so an idle instance holds none (a server hosts hundreds) and steady traffic
 * circulates the same few.
 * When all are waiting, new frames are dropped and counted, as Linux drops beyond
 * netdev_max_backlog; TCP recovers, and the RX thread never blocks on a slow tenant. The limit
 * must absorb a burst of split GSO super-frames (a peer's TSO window arrives at once), or
 * bulk transfers lose segments at every burst.
 *
 * <p>The lock guards only list operations and copies into the open batch; the consumer runs
 * frames through the stack outside it.
 */
public final class Inbox {
    static final int BATCH_BYTES = 256 * 1024;
    static final int BATCH_FRAMES = 512;
    private static final int MAX_BATCHES_PER_DRAIN = 8;

    private final BatchPool pool;
    private final ArrayDeque<InboundBatch> sealed = new ArrayDeque<>();
    private final Runnable scheduleDrain;
    private final int maxBatches;
    private int allocated;
    private InboundBatch open;
    private boolean drainScheduled;
    private long dropped;
    private long failures;
    private Throwable lastFailure;

    /**
     * @param maxBatches how many batches this inbox may hold at once (up to maxBatches x 256 KiB)
     * @param pool where batches come from and go back to (shared by a NIC's instances)
     * @param scheduleDrain submits one drain task to the owner's context
     */
    Inbox(int maxBatches, BatchPool pool, Runnable scheduleDrain) {
        this.maxBatches = maxBatches;
        this.pool = pool;
        this.scheduleDrain = scheduleDrain;
    }

    /** Copies one frame in. Any thread. Returns false if it was dropped for lack of room. */
    boolean offer(byte[] a, int off, int len) {
        return offer(a, off, len, false, 0);
    }

    /**
     * {@link #offer(byte[], int, int)} for a frame whose TCP/UDP checksum the NIC's driver has
     * verified ({@code checksumVerified}); the instance's stack then does not sum it again.
     * {@code gsoSize} is non-zero for a TCP super-frame the port handed over whole.
     */
    synchronized boolean offer(byte[] a, int off, int len, boolean checksumVerified, int gsoSize) {
        if (len > BATCH_BYTES) {
            dropped++;
            return false;
        }
        if (open != null && open.add(a, off, len, checksumVerified, gsoSize)) {
            return true;
        }
        if (open != null) {
            sealed.add(open);
            open = null;
        }
        if (allocated == maxBatches) {
            dropped++;
            return false;
        }
        // The first batch of a burst is small if the frame is (BatchPool: broadcasts reach every
        // instance); once one fills, the burst gets large batches.
        boolean small = allocated == 0 && len <= BatchPool.SMALL_BYTES / 4;
        allocated++;
        open = pool.take(small);
        return open.add(a, off, len, checksumVerified, gsoSize);
    }

    /**
     * Makes everything offered so far visible to the owner and schedules a drain if none is
     * pending. Any thread.
     *
     * <p>The open batch is not sealed here but taken by the drain: a producer that flushes after
     * every frame or two (an RX thread woken per frame, hairpin sends) would otherwise seal a
     * batch per flush, and while the owner's context waits for a CPU a few dozen such flushes
     * used up every batch and the inbox dropped frames with 99% of its memory free.
     */
    void flush() {
        boolean schedule;
        synchronized (this) {
            schedule = (!sealed.isEmpty() || open != null && open.count > 0) && !drainScheduled;
            if (schedule) {
                drainScheduled = true;
            }
        }
        if (schedule) {
            scheduleDrain.run();
        }
    }

    /**
     * On the owner's context: hands every waiting batch to {@code consumer}, oldest first, and
     * recycles it afterwards. Frames that arrive meanwhile are taken in the same drain.
     */
    void drain(Consumer<InboundBatch> consumer) {
        for (int n = 0; ; n++) {
            InboundBatch b;
            synchronized (this) {
                if (n == MAX_BATCHES_PER_DRAIN && (!sealed.isEmpty() || open != null && open.count > 0)) {
                    // Let timers and API calls queued on the context run between bursts; the
                    // drain stays scheduled (the flag remains set) and continues in a new task.
                    scheduleDrain.run();
                    return;
                }
                b = sealed.poll();
                if (b == null && open != null && open.count > 0) {
                    b = open; // producers open a new one at their next offer
                    open = null;
                }
                if (b == null) {
                    drainScheduled = false;
                    return;
                }
            }
            try {
                consumer.accept(b);
            } catch (RuntimeException | Error e) {
                // The drain must go on (a stuck drain would make the inbox drop every frame
                // from now on); the rest of this batch is lost and counted.
                synchronized (this) {
                    failures++;
                    lastFailure = e;
                }
            } finally {
                pool.give(b);
                synchronized (this) {
                    allocated--;
                }
            }
        }
    }

    /** Batches this inbox holds: open and waiting (none once drained). */
    synchronized int allocatedBatches() {
        return allocated;
    }

    synchronized long dropped() {
        return dropped;
    }

    /** Batches whose delivery threw (a bug or an OutOfMemoryError), and the last such error. */
    synchronized long failures() {
        return failures;
    }

    synchronized Throwable lastFailure() {
        return lastFailure;
    }
}
