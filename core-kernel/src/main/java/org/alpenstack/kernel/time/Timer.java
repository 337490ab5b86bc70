package org.alpenstack.kernel.time;

/**
 * An intrusive, reusable timer handle. An owner embeds one per timer it needs (a TCP connection
 * has its retransmission timer, its delayed-ACK timer ...) and reschedules it as often as it
 * likes: the list links live in the handle itself, so scheduling and cancelling allocate nothing.
 *
 * <p>A handle belongs to at most one {@link TimerWheel} at a time.
 */
public final class Timer {
    final TimerTask task;
    long deadline;
    /** The wheel tick the timer is filed under (its deadline's tick, or later if that had passed). */
    long tick;
    /** Schedule order, so that a poll never fires a timer scheduled during that same poll. */
    long seq;
    Timer prev;
    Timer next;
    /** Index of the list holding the timer in its wheel, or {@link #UNSCHEDULED}. */
    int list = UNSCHEDULED;
    TimerWheel wheel;

    static final int UNSCHEDULED = -1;

    public Timer(TimerTask task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        this.task = task;
    }

    public boolean isScheduled() {
        return list != UNSCHEDULED;
    }

    /** The deadline in nanoseconds; meaningful only while {@link #isScheduled()}. */
    public long deadline() {
        return deadline;
    }

    @Override
    public String toString() {
        return isScheduled() ? "Timer[deadline=" + deadline + "]" : "Timer[idle]";
    }
}
