package org.alpenstack.kernel.stack;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The counters of one stack: events by {@link StackCounter} and drops by {@link DropReason}.
 * Plain longs, written on the stack's thread only; {@link #snapshot} copies them for readers on
 * other threads.
 */
public final class StackCounters {
    private static final StackCounter[] COUNTERS = StackCounter.values();
    private static final DropReason[] REASONS = DropReason.values();

    private final long[] counts = new long[COUNTERS.length];
    private final long[] drops = new long[REASONS.length];
    private long totalDrops;

    public void inc(StackCounter c) {
        counts[c.ordinal()]++;
    }

    public void add(StackCounter c, long n) {
        counts[c.ordinal()] += n;
    }

    public void drop(DropReason r) {
        drops[r.ordinal()]++;
        totalDrops++;
    }

    public long get(StackCounter c) {
        return counts[c.ordinal()];
    }

    public long drops(DropReason r) {
        return drops[r.ordinal()];
    }

    public long totalDrops() {
        return totalDrops;
    }

    /** An immutable copy: every counter, and every drop reason that occurred at least once. */
    public Snapshot snapshot() {
        EnumMap<StackCounter, Long> c = new EnumMap<>(StackCounter.class);
        for (StackCounter k : COUNTERS) {
            c.put(k, counts[k.ordinal()]);
        }
        EnumMap<DropReason, Long> d = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            if (drops[r.ordinal()] != 0) {
                d.put(r, drops[r.ordinal()]);
            }
        }
        return new Snapshot(Collections.unmodifiableMap(c), Collections.unmodifiableMap(d), totalDrops);
    }

    public record Snapshot(Map<StackCounter, Long> counters, Map<DropReason, Long> drops, long totalDrops) {
        public long get(StackCounter c) {
            return counters.getOrDefault(c, 0L);
        }

        public long drops(DropReason r) {
            return drops.getOrDefault(r, 0L);
        }
    }
}
