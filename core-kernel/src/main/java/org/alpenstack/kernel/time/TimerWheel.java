package org.alpenstack.kernel.time;

/**
 * A hashed timing wheel (Varghese and Lauck, "Hashed and Hierarchical Timing Wheels", SOSP 1987)
 * with a second, coarser level: schedule and cancel are O(1) and allocate nothing, because every
 * timer is an intrusive node ({@link Timer}) in a doubly linked list.
 *
 * <p>Layout. Time is cut into ticks of {@code tickNanos}. The fine wheel has {@code slots} slots
 * and holds the timers of the current and the next "epoch" (an epoch is half a rotation), so every
 * slot holds timers of exactly one tick; that makes the earliest deadline cheap to find (the first
 * occupied slot after the cursor, through an occupancy bitmap). Timers further out sit in a coarse
 * wheel with one bucket per epoch ({@code slots} buckets, about 8.7 minutes at the default
 * geometry), and are re-hashed into the fine wheel when the cursor enters the epoch before theirs:
 * each timer moves at most once. Timers beyond the coarse wheel wait in an unsorted overflow list,
 * scanned once per half rotation of the coarse wheel (about 4.4 minutes at the default geometry).
 * Long timers (TCP keepalive, 2 hours) therefore cost nothing per tick.
 *
 * <p>Firing. {@link #poll(long)} fires every timer whose deadline is at or before {@code now}, in
 * tick order; timers due in the same tick fire in the order they were scheduled. A task may
 * schedule or cancel any timer, itself included. A timer scheduled during a poll never fires in
 * that same poll, even if it is already due: the owner sees it in {@link #nextDeadline()} and
 * polls again, so a task that keeps rescheduling itself "now" cannot live-lock the wheel.
 *
 * <p>{@link #nextDeadline()} is exact between polls: each level caches its minimum and recomputes
 * it only when the timer holding it is cancelled or fires.
 *
 * <p>Not thread-safe, like everything in core-kernel: one owner drives it.
 */
public final class TimerWheel implements Pollable {
    private static final long NONE = Long.MAX_VALUE;

    private final long tickNanos;
    private final int slots;
    private final int mask;
    /** Length of an epoch in ticks: half a rotation of the fine wheel. */
    private final long half;
    /** Coarse buckets, one epoch each. */
    private final int buckets;
    /** The overflow list is re-scanned when the cursor enters a new run of this many epochs. */
    private final long superEpoch;
    /** List index of coarse bucket 0 in {@link #heads}; fine slots come first. */
    private final int coarse;
    private final int overflow;
    /** The timers being fired by the current poll. */
    private final int expiring;

    private final Timer[] heads;
    private final Timer[] tails;
    /** Bit {@code s} set while fine slot {@code s} holds a timer. */
    private final long[] slotOccupied;
    /** Bit {@code b} set while coarse bucket {@code b} holds a timer. */
    private final long[] bucketOccupied;

    /**
     * False until the first poll: the wheel does not know what "now" is before that, so timers
     * wait in the overflow list and the first poll places the cursor at the earliest of them.
     */
    private boolean started;
    /** Every timer is filed under a tick at or after the cursor. */
    private long cursor = Long.MIN_VALUE;
    /** The epoch of the cursor. */
    private long epoch = Long.MIN_VALUE;
    /** Ticks below this are in the fine wheel: the end of the epoch after the cursor's. */
    private long windowEnd = Long.MIN_VALUE;
    /** Epochs below this (and at or after {@code epoch + 2}) are in the coarse wheel; the rest overflow. */
    private long coarseEnd = Long.MIN_VALUE;

    private int size;
    private int wheelCount;
    private int coarseCount;
    private int overflowCount;
    private long wheelMin = Clock.NEVER;
    private boolean wheelMinValid = true;
    private long coarseMin = Clock.NEVER;
    private boolean coarseMinValid = true;
    private long overflowMin = Clock.NEVER;
    private boolean overflowMinValid = true;

    private long seq;
    private boolean polling;
    /** While polling: the last tick this poll covers; new timers are filed no earlier. */
    private long pollLastTick;
    /** While polling: the earliest deadline of timers due in this poll that have not fired yet. */
    private long pollDueMin;

    /**
     * 1 ms ticks and 1024 slots: one rotation is about a second, which holds the timers that
     * fire most (delayed ACK, RTO from 200 ms, TLP) in the fine wheel; longer ones move once.
     * Each instance has a wheel and a server hosts hundreds: the two list-head arrays are 16 KiB
     * here (they were 64 KiB with 4096 slots, a fifth of an idle instance's heap).
     */
    public TimerWheel() {
        this(1_000_000L, 1024);
    }

    /** {@code slots} must be a power of two, at least 2. */
    public TimerWheel(long tickNanos, int slots) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tickNanos must be positive: " + tickNanos);
        }
        if (slots < 2 || Integer.bitCount(slots) != 1 || slots > (1 << 24)) {
            throw new IllegalArgumentException("slots must be a power of two in [2, 2^24]: " + slots);
        }
        this.tickNanos = tickNanos;
        this.slots = slots;
        this.mask = slots - 1;
        this.half = slots / 2;
        this.buckets = slots;
        this.superEpoch = buckets / 2;
        this.coarse = slots;
        this.overflow = slots + buckets;
        this.expiring = overflow + 1;
        this.heads = new Timer[expiring + 1];
        this.tails = new Timer[expiring + 1];
        this.slotOccupied = new long[Math.max(1, slots / 64)];
        this.bucketOccupied = new long[Math.max(1, buckets / 64)];
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
                long nt = wheelCount > 0 ? firstOccupied(slotOccupied, mask, t, windowEnd) : NONE;
                if (nt == NONE) {
                    if (coarseCount + overflowCount == 0) {
                        break;
                    }
                    // The fine wheel is empty up to its end: jump to where the far timers start.
                    // Every far tick is at or after both bounds, and the jump enters a new epoch,
                    // which moves the far timers that are now near into the fine wheel.
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
        long min = wheelCount > 0 ? wheelMin() : farMin();
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
        epoch = Math.floorDiv(tick, half);
        windowEnd = (epoch + 2) * half;
        coarseEnd = superStart(epoch) + buckets;
        rescanOverflow();
    }

    private void advanceCursor(long tick) {
        if (tick <= cursor) {
            return;
        }
        cursor = tick;
        long e = Math.floorDiv(tick, half);
        if (e == epoch) {
            return;
        }
        long oldEpoch = epoch;
        long oldCoarseEnd = coarseEnd;
        epoch = e;
        windowEnd = (e + 2) * half;
        coarseEnd = superStart(e) + buckets;
        // Epochs [oldEpoch + 2, e + 2) now belong to the fine wheel. The coarse wheel spans fewer
        // than `buckets` epochs, so each of these buckets holds exactly one of them.
        if (coarseCount > 0) {
            long to = Math.min(e + 2, oldCoarseEnd);
            for (long ep = oldEpoch + 2; ep < to; ep++) {
                refileBucket((int) (ep & (buckets - 1)));
            }
        }
        if (coarseEnd != oldCoarseEnd && overflowCount > 0) {
            rescanOverflow();
        }
    }

    private void refileBucket(int b) {
        Timer x;
        while ((x = heads[coarse + b]) != null) {
            detach(x);
            file(x);
        }
    }

    /** Moves overflow timers that now fall inside the coarse or the fine wheel. */
    private void rescanOverflow() {
        Timer x = heads[overflow];
        while (x != null) {
            Timer next = x.next;
            if (x.tick < windowEnd || Math.floorDiv(x.tick, half) < coarseEnd) {
                detach(x);
                file(x);
            }
            x = next;
        }
    }

    /** Links {@code t} into the fine wheel, the coarse wheel or the overflow list, by its tick. */
    private void file(Timer t) {
        if (t.tick < cursor) {
            t.tick = cursor;
        }
        if (t.tick < windowEnd) {
            int s = (int) (t.tick & mask);
            link(s, t);
            slotOccupied[s >>> 6] |= 1L << (s & 63);
            if (wheelCount++ == 0) {
                wheelMin = t.deadline;
                wheelMinValid = true;
            } else if (wheelMinValid && t.deadline < wheelMin) {
                wheelMin = t.deadline;
            }
            return;
        }
        long ep = Math.floorDiv(t.tick, half);
        if (ep < coarseEnd) {
            int b = (int) (ep & (buckets - 1));
            link(coarse + b, t);
            bucketOccupied[b >>> 6] |= 1L << (b & 63);
            if (coarseCount++ == 0) {
                coarseMin = t.deadline;
                coarseMinValid = true;
            } else if (coarseMinValid && t.deadline < coarseMin) {
                coarseMin = t.deadline;
            }
        } else {
            link(overflow, t);
            if (overflowCount++ == 0) {
                overflowMin = t.deadline;
                overflowMinValid = true;
            } else if (overflowMinValid && t.deadline < overflowMin) {
                overflowMin = t.deadline;
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
        if (list < coarse) {
            if (heads[list] == null) {
                slotOccupied[list >>> 6] &= ~(1L << (list & 63));
            }
            if (--wheelCount == 0) {
                wheelMin = Clock.NEVER;
                wheelMinValid = true;
            } else if (t.deadline == wheelMin) {
                wheelMinValid = false;
            }
        } else if (list < overflow) {
            int b = list - coarse;
            if (heads[list] == null) {
                bucketOccupied[b >>> 6] &= ~(1L << (b & 63));
            }
            if (--coarseCount == 0) {
                coarseMin = Clock.NEVER;
                coarseMinValid = true;
            } else if (t.deadline == coarseMin) {
                coarseMinValid = false;
            }
        } else if (list == overflow) {
            if (--overflowCount == 0) {
                overflowMin = Clock.NEVER;
                overflowMinValid = true;
            } else if (t.deadline == overflowMin) {
                overflowMinValid = false;
            }
        }
    }

    private long wheelMin() {
        if (!wheelMinValid) {
            // Each slot holds one tick only, and a timer whose deadline had passed is filed at the
            // cursor, so the earliest deadline is in the first occupied slot.
            long tick = firstOccupied(slotOccupied, mask, cursor, windowEnd);
            wheelMin = minDeadline(heads[(int) (tick & mask)]);
            wheelMinValid = true;
        }
        return wheelMin;
    }

    /** The earliest deadline outside the fine wheel (coarse wheel and overflow list). */
    private long farMin() {
        if (!coarseMinValid) {
            // Each bucket holds one epoch only: the earliest deadline is in the first occupied one.
            long ep = firstOccupied(bucketOccupied, buckets - 1, epoch + 2, coarseEnd);
            coarseMin = minDeadline(heads[coarse + (int) (ep & (buckets - 1))]);
            coarseMinValid = true;
        }
        if (!overflowMinValid) {
            overflowMin = minDeadline(heads[overflow]);
            overflowMinValid = true;
        }
        return Math.min(coarseMin, overflowMin);
    }

    private static long minDeadline(Timer head) {
        long min = Clock.NEVER;
        for (Timer x = head; x != null; x = x.next) {
            min = Math.min(min, x.deadline);
        }
        return min;
    }

    /**
     * The first index in {@code [from, to)} whose bit (index modulo the bitmap size) is set, or
     * NONE; {@code to - from} is at most the bitmap size.
     */
    private static long firstOccupied(long[] bits, int mask, long from, long to) {
        int n = mask + 1;
        long i = from;
        while (i < to) {
            int s = (int) (i & mask);
            long word = bits[s >>> 6] >>> (s & 63);
            if (word != 0) {
                long found = i + Long.numberOfTrailingZeros(word);
                return found < to ? found : NONE;
            }
            i += Math.min(64 - (s & 63), n - s);
        }
        return NONE;
    }

    private long tickOf(long nanos) {
        return Math.floorDiv(nanos, tickNanos);
    }

    private long superStart(long e) {
        return Math.floorDiv(e, superEpoch) * superEpoch;
    }

    @Override
    public String toString() {
        return "TimerWheel[" + size + " timers, tick " + tickNanos + " ns, " + slots + " slots]";
    }
}
