package org.alpenstack.kernel.time;

/** A clock that moves only when told to: the time source of simulations and unit tests. */
public final class ManualClock implements Clock {
    private long now;

    public ManualClock() {
        this(0L);
    }

    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanos() {
        return now;
    }

    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back " + nanos + " ns");
        }
        now = Math.addExact(now, nanos);
    }

    /** Moves the clock to {@code nanos}; setting it to the current time is allowed, going back is not. */
    public void set(long nanos) {
        if (nanos < now) {
            throw new IllegalArgumentException("a monotonic clock cannot go back from " + now + " to " + nanos);
        }
        now = nanos;
    }

    @Override
    public String toString() {
        return "ManualClock[" + now + " ns]";
    }
}
