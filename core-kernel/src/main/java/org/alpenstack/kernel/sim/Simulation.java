package org.alpenstack.kernel.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.time.Pollable;

/**
 * Drives a set of {@link Pollable}s (stacks, switches, fault injectors, test peers) on a
 * {@link ManualClock}, the way an event loop drives one instance: poll everything at "now",
 * repeat while anything is still due at "now" (a frame queued by one poll is due for the next),
 * and when everything is idle jump the clock to the earliest deadline. Nothing waits for real
 * time, so minutes of TCP retransmission timeouts run in milliseconds.
 */
public final class Simulation {
    /** Rounds at one instant before the simulation calls it a live-lock. */
    public static final int MAX_ROUNDS_PER_INSTANT = 1_000_000;

    private final ManualClock clock;
    private final List<Pollable> pollables = new ArrayList<>();
    private Pollable[] snapshot = new Pollable[0];

    public Simulation(ManualClock clock) {
        this.clock = clock;
    }

    public ManualClock clock() {
        return clock;
    }

    public void add(Pollable p) {
        pollables.add(p);
        snapshot = pollables.toArray(new Pollable[0]);
    }

    /**
     * Runs until {@code done} is true or {@code maxNanos} of simulated time have passed; returns
     * whether {@code done} became true. {@code done} is checked after every round of polls, so the
     * clock stops at the first instant it holds. If it never holds, the clock ends at the limit.
     */
    public boolean runUntil(BooleanSupplier done, long maxNanos) {
        if (maxNanos < 0) {
            throw new IllegalArgumentException("maxNanos must not be negative: " + maxNanos);
        }
        long end = saturatedAdd(clock.nanos(), maxNanos);
        while (true) {
            if (done.getAsBoolean()) {
                return true;
            }
            long now = clock.nanos();
            int rounds = 0;
            do {
                if (++rounds > MAX_ROUNDS_PER_INSTANT) {
                    throw new IllegalStateException("live-lock: still due after " + MAX_ROUNDS_PER_INSTANT
                            + " rounds of polls at t=" + now + " ns: " + dueAt(now));
                }
                for (Pollable p : snapshot) {
                    p.poll(now);
                }
                if (done.getAsBoolean()) {
                    return true;
                }
            } while (earliestDeadline() <= now);
            long next = earliestDeadline();
            if (next > end) {
                if (end != Long.MAX_VALUE && end > now) {
                    clock.set(end);
                    continue; // one last round at the limit: nothing is due, but time has passed
                }
                return false;
            }
            clock.set(next);
        }
    }

    /** Runs for {@code nanos} of simulated time; the clock ends exactly {@code nanos} later. */
    public void runFor(long nanos) {
        runUntil(() -> false, nanos);
    }

    /** Polls until nothing is due at the current instant, without moving the clock. */
    public void settle() {
        runUntil(() -> false, 0);
    }

    private long earliestDeadline() {
        long min = Clock.NEVER;
        for (Pollable p : snapshot) {
            min = Math.min(min, p.nextDeadline());
        }
        return min;
    }

    private String dueAt(long now) {
        List<String> due = new ArrayList<>();
        for (Pollable p : snapshot) {
            if (p.nextDeadline() <= now) {
                due.add(p + " (nextDeadline " + p.nextDeadline() + ")");
            }
        }
        return String.join(", ", due);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
