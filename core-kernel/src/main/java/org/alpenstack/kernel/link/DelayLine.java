package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;

/**
 * Owned frames waiting for their release time: a binary min-heap over parallel arrays, ordered by
 * time and then by arrival, so frames with equal release times keep their order. The arrays grow
 * by doubling up to a limit, so a steady flow allocates nothing.
 */
final class DelayLine {
    private long[] times = new long[16];
    private long[] seqs = new long[16];
    private PacketBuffer[] frames = new PacketBuffer[16];
    private final int limit;
    private int size;
    private long seq;

    DelayLine(int limit) {
        this.limit = limit;
    }

    /** False when full; the caller still owns the frame then. */
    boolean add(long time, PacketBuffer frame) {
        if (size == limit) {
            return false;
        }
        if (size == times.length) {
            int n = Math.min(limit, size * 2);
            times = java.util.Arrays.copyOf(times, n);
            seqs = java.util.Arrays.copyOf(seqs, n);
            frames = java.util.Arrays.copyOf(frames, n);
        }
        int i = size++;
        long s = seq++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, s, times[parent], seqs[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, time, s, frame);
        return true;
    }

    /** Release time of the first frame, or {@link Clock#NEVER}. */
    long firstTime() {
        return size == 0 ? Clock.NEVER : times[0];
    }

    /** Removes the first frame; ownership passes to the caller. */
    PacketBuffer take() {
        PacketBuffer first = frames[0];
        int last = --size;
        long t = times[last];
        long s = seqs[last];
        PacketBuffer f = frames[last];
        frames[last] = null;
        if (last > 0) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= last) {
                    break;
                }
                if (child + 1 < last && before(times[child + 1], seqs[child + 1], times[child], seqs[child])) {
                    child++;
                }
                if (!before(times[child], seqs[child], t, s)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            set(i, t, s, f);
        }
        return first;
    }

    int size() {
        return size;
    }

    void clear() {
        while (size > 0) {
            take().release();
        }
    }

    private static boolean before(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        seqs[to] = seqs[from];
        frames[to] = frames[from];
    }

    private void set(int i, long t, long s, PacketBuffer f) {
        times[i] = t;
        seqs[i] = s;
        frames[i] = f;
    }
}
