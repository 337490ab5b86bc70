package org.alpenstack.kernel.link;

/** What the clock-less in-memory queues report from {@code nextDeadline()}. */
final class Due {
    private Due() {
    }

    /**
     * Frames waiting in a queue are due at once, but a queue has no clock to name "now". The time
     * of its last poll is at or before the caller's now (time is monotonic), so it says "due"
     * without the hazard of {@code Long.MIN_VALUE}, which overflows an owner's
     * {@code deadline - now}. Before the first poll there is no better answer than the minimum.
     */
    static final long BEFORE_FIRST_POLL = Long.MIN_VALUE;
}
