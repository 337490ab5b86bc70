package org.alpenstack.kernel.link;

/** Deadline values the in-memory links report from {@code nextDeadline()}. */
final class Due {
    /**
     * Work is waiting now, whatever "now" is: any poll time is at or after it. A queue has no
     * clock of its own, so it cannot name the current time.
     */
    static final long NOW = Long.MIN_VALUE;

    private Due() {
    }
}
