package org.alpenstack.kernel.time;

/**
 * Time as an input. The stack never reads the system clock itself: its owner passes "now" into
 * {@code poll(now)}, so a test can run a whole conversation on a {@link ManualClock}.
 * All times in core-kernel are nanoseconds on a monotonic scale.
 */
@FunctionalInterface
public interface Clock {
    /** No deadline: {@code nextDeadline()} returns this when nothing is scheduled. */
    long NEVER = Long.MAX_VALUE;

    long nanos();

    static long millis(long ms) {
        return ms * 1_000_000L;
    }

    static long micros(long us) {
        return us * 1_000L;
    }

    static long seconds(long s) {
        return s * 1_000_000_000L;
    }
}
