package org.alpenstack.kernel.time;

/**
 * A hashed timing wheel (Varghese and Lauck, "Hashed and Hierarchical Timing Wheels", SOSP 1987,
 * scheme 6): schedule and cancel are O(1) and allocate nothing, because every timer is an
 * intrusive node ({@link Timer}) in a doubly linked list of its slot.
 *
 * <p>Layout. Time is cut into ticks of {@code tickNanos}; tick {@code k} lives in slot
 * {@code k mod slots}. The wheel holds only timers within (roughly) one rotation of the cursor,
 * so every slot holds timers of exactly one tick; that makes the earliest deadline cheap to find
 * (the first occupied slot after the cursor, found through an occupancy bitmap). Timers further
 * out wait in an unsorted overflow list and are re-hashed into the wheel when the cursor enters
 * a new half rotation ("epoch"), so each far timer is touched once per half rotation at most, not
 * once per tick. Long timers (TCP keepalive, 2 hours) therefore cost nothing per tick.
 *
 * <p>Firing. {@link #poll(long)} fires every timer whose deadline is at or before {@code now}, in
 * tick order; timers due in the same tick fire in the order they were scheduled. A task may
 * schedule or cancel any timer, itself included. A timer scheduled during a poll never fires in
 * that same poll, even if it is already due: the owner sees it in {@link #nextDeadline()} and
 * polls again, so a task that keeps rescheduling itself "now" cannot live-lock the wheel.
 *
 * <p>{@link #nextDeadline()} is exact between polls: the minimum is cached and recomputed only
 * when the timer holding it is cancelled or fires.
 *
 * <p>Not thread-safe, like everything in core-kernel: one owner drives it.
 */
public final class TimerWheel implements Pollable {
    private static final long NONE = Long.MAX_VALUE;

    private final long tickNanos;
    private final int slots;
    private final int mask;
    /** Length of an epoch in ticks: half a rotation. */
    private final long half;
    /** Index of the overflow list in {@link #heads}. */
    private final int far;
    /** Index of the list of timers being fired by the current poll. */
    private final int expiring;

    private final Timer[] heads;
    private final Timer[] tails;
    /** Bit {@code s} set while slot {@code s} holds a timer. */
    private final long[] occupied;

    /**
     * False until the first poll: the wheel does not know what "now" is before that, so timers
     * wait in the overflow list and the first poll places the cursor at the earliest of them.
     */
    private boolean started;
    /** Every timer in the wheel is filed under a tick at or after the cursor. */
    private long cursor = Long.MIN_VALUE;
    /** Ticks below this go into the wheel, the rest into the overflow list; start of the cursor's epoch plus one rotation. */
    private long windowEnd = Long.MIN_VALUE;

    private int size;
    private int wheelCount;
    private int farCount;
    private long wheelMin = Clock.NEVER;
    private boolean wheelMinValid = true;
    private long farMin = Clock.NEVER;
    private boolean farMinValid = true;

    private long seq;
    private boolean polling;
    /** While polling: the last tick this poll covers; new timers are filed no earlier. */
    private long pollLastTick;
    /** While polling: the earliest deadline of timers due in this poll that have not fired yet. */
    private long pollDueMin;

    /** 1 ms ticks and 4096 slots: one rotation is about 4 seconds. */
    public TimerWheel() {
        this(1_000_000L, 4096);
    }

    /** {@code slots} must be a power of two, at least 2. */
    public TimerWheel(long tickNanos, int slots) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tickNanos must be positive: " + tickNanos);
        }
        if (slots < 2 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two >= 2: " + slots);
        }
        this.tickNanos = tickNanos;
        this.slots = slots;
        this.mask = slots - 1;
        this.half = slots / 2;
        this.far = slots;
        this.expiring = slots + 1;
        this.heads = new Timer[slots + 2];
        this.tails = new Timer[slots + 2];
        this.occupied = new long[Math.max(1, slots / 64)];
    }

    /** Arms {@code t} for {@code deadlineNanos}, moving it if it was already scheduled. */
    public void schedule(Timer t, long deadlineNanos) {
        if (t.isScheduled()) {
            if (t.wheel != this) {
                throw new IllegalStateException("timer is scheduled on another wheel");
            }
            detach(t);
            size--;
        }
        t.wheel = this;
        t.deadline = deadlineNanos;
        t.seq = seq++;
        long floor = polling ? pollLastTick : cursor;
        t.tick = Math.max(tickOf(deadlineNanos), floor);
        if (polling && t.tick == pollLastTick && deadlineNanos < pollDueMin) {
            pollDueMin = deadlineNanos;
        }
        file(t);
        size++;
    }

    /** Disarms {@code t}; a no-op if it is not scheduled. */
    public void cancel(Timer t) {
        if (!t.isScheduled()) {
            return;
        }
        if (t.wheel != this) {
            throw new IllegalStateException("timer is scheduled on another wheel");
        }
        detach(t);
        t.list = Timer.UNSCHEDULED;
        size--;
    }

    /** Number of scheduled timers. */
    public int size() {
        return size;
    }

    @Override
    public void poll(long now) {
        if (polling) {
            throw new IllegalStateException("TimerWheel.poll re-entered from a timer task");
        }
        if (!started) {
            start(tickOf(Math.min(now, farMin())));
        }
        long lastTick = Math.max(tickOf(now), cursor);
        long limit = seq;
        polling = true;
        pollLastTick = lastTick;
        pollDueMin = Clock.NEVER;
        try {
            long t = cursor;
            while (size > 0) {
                long nt = wheelCount > 0 ? firstOccupied(t, windowEnd) : NONE;
                if (nt == NONE) {
                    if (farCount == 0) {
                        break;
                    }
                    // The wheel is empty up to the end of the window: jump to where the overflow
                    // list starts. Every overflow tick is at or after both bounds, and the jump
                    // enters a new epoch, which re-hashes the overflow list.
                    nt = Math.max(Math.max(t, windowEnd), tickOf(farMin()));
                }
                if (nt > lastTick) {
                    break;
                }
                advanceCursor(nt);
                expireSlot(nt, now, limit);
                t = nt + 1;
            }
            advanceCursor(lastTick);
        } finally {
            // A task threw: the timers it did not get to stay scheduled and due.
            Timer x;
            while ((x = heads[expiring]) != null) {
                detach(x);
                file(x);
            }
            polling = false;
        }
    }

    @Override
    public long nextDeadline() {
        long min;
        if (wheelCount > 0) {
            min = wheelMin();
        } else if (farCount > 0) {
            min = farMin();
        } else {
            min = Clock.NEVER;
        }
        return polling ? Math.min(min, pollDueMin) : min;
    }

    private void expireSlot(long tick, long now, long limit) {
        int s = (int) (tick & mask);
        Timer x = heads[s];
        while (x != null) {
            Timer next = x.next;
            if (x.deadline <= now && x.seq < limit) {
                detach(x);
                link(expiring, x);
                if (x.deadline < pollDueMin) {
                    pollDueMin = x.deadline;
                }
            }
            x = next;
        }
        // Unlink before running, so a task may cancel or reschedule any timer, this one included.
        while ((x = heads[expiring]) != null) {
            detach(x);
            x.list = Timer.UNSCHEDULED;
            size--;
            x.task.onTimer(now);
        }
    }

    private void start(long tick) {
        started = true;
        cursor = tick;
        windowEnd = epochOf(tick) + slots;
        rehashFar();
    }

    private void advanceCursor(long tick) {
        if (tick <= cursor) {
            return;
        }
        long oldEpoch = epochOf(cursor);
        cursor = tick;
        long epoch = epochOf(tick);
        if (epoch != oldEpoch) {
            windowEnd = epoch + slots;
            if (farCount > 0) {
                rehashFar();
            }
        }
    }

    /** Moves overflow timers that now fall inside the window into their slots. */
    private void rehashFar() {
        Timer x = heads[far];
        while (x != null) {
            Timer next = x.next;
            if (x.tick < windowEnd) {
                detach(x);
                file(x);
            }
            x = next;
        }
    }

    /** Links {@code t} into its slot, or the overflow list if it is beyond the window. */
    private void file(Timer t) {
        if (t.tick < cursor) {
            t.tick = cursor;
        }
        if (t.tick < windowEnd) {
            int s = (int) (t.tick & mask);
            link(s, t);
            occupied[s >>> 6] |= 1L << (s & 63);
            if (wheelCount++ == 0) {
                wheelMin = t.deadline;
                wheelMinValid = true;
            } else if (wheelMinValid && t.deadline < wheelMin) {
                wheelMin = t.deadline;
            }
        } else {
            link(far, t);
            if (farCount++ == 0) {
                farMin = t.deadline;
                farMinValid = true;
            } else if (farMinValid && t.deadline < farMin) {
                farMin = t.deadline;
            }
        }
    }

    private void link(int list, Timer t) {
        t.list = list;
        t.next = null;
        t.prev = tails[list];
        if (t.prev == null) {
            heads[list] = t;
        } else {
            t.prev.next = t;
        }
        tails[list] = t;
    }

    /** Unlinks {@code t} from whatever list holds it and keeps the counts and cached minima right. */
    private void detach(Timer t) {
        int list = t.list;
        if (t.prev == null) {
            heads[list] = t.next;
        } else {
            t.prev.next = t.next;
        }
        if (t.next == null) {
            tails[list] = t.prev;
        } else {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        if (list < slots) {
            if (heads[list] == null) {
                occupied[list >>> 6] &= ~(1L << (list & 63));
            }
            if (--wheelCount == 0) {
                wheelMin = Clock.NEVER;
                wheelMinValid = true;
            } else if (t.deadline == wheelMin) {
                wheelMinValid = false;
            }
        } else if (list == far) {
            if (--farCount == 0) {
                farMin = Clock.NEVER;
                farMinValid = true;
            } else if (t.deadline == farMin) {
                farMinValid = false;
            }
        }
    }

    private long wheelMin() {
        if (!wheelMinValid) {
            // Each slot holds one tick only, and a timer whose deadline had passed is filed at the
            // cursor, so the earliest deadline is in the first occupied slot.
            long tick = firstOccupied(cursor, windowEnd);
            long min = Clock.NEVER;
            for (Timer x = heads[(int) (tick & mask)]; x != null; x = x.next) {
                min = Math.min(min, x.deadline);
            }
            wheelMin = min;
            wheelMinValid = true;
        }
        return wheelMin;
    }

    private long farMin() {
        if (!farMinValid) {
            long min = Clock.NEVER;
            for (Timer x = heads[far]; x != null; x = x.next) {
                min = Math.min(min, x.deadline);
            }
            farMin = min;
            farMinValid = true;
        }
        return farMin;
    }

    /** The first tick in {@code [from, to)} whose slot holds a timer, or NONE; {@code to - from <= slots}. */
    private long firstOccupied(long from, long to) {
        long tick = from;
        while (tick < to) {
            int s = (int) (tick & mask);
            long word = occupied[s >>> 6] >>> (s & 63);
            if (word != 0) {
                long found = tick + Long.numberOfTrailingZeros(word);
                return found < to ? found : NONE;
            }
            tick += Math.min(64 - (s & 63), slots - s);
        }
        return NONE;
    }

    private long tickOf(long nanos) {
        return Math.floorDiv(nanos, tickNanos);
    }

    private long epochOf(long tick) {
        return Math.floorDiv(tick, half) * half;
    }

    @Override
    public String toString() {
        return "TimerWheel[" + size + " timers, tick " + tickNanos + " ns, " + slots + " slots]";
    }
}
