package org.alpenstack.kernel.tcp;

import java.util.Arrays;

/**
 * The maximal runs of consecutive {@link Rack} records that share a mark (SACKED, or LOST), as
 * ascending sequence ranges {@code [start, end)}. A run's edges are record edges, and splitting a
 * record inside a run changes nothing, so the runs survive the record array's moves. There are a
 * few per SACK hole, which lets Rack jump over what it marked before instead of walking it record
 * by record on every ACK. The arrays grow and are reused: no allocation in the steady state.
 */
final class RecordRuns {
    private static final int[] NONE = new int[0];

    private int[] start = NONE;
    private int[] end = NONE;
    private int count;

    void clear() {
        count = 0;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Start of the lowest run (only when not empty). */
    int firstStart() {
        return start[0];
    }

    /** End of the run holding {@code seq}, which must lie in one. */
    int endOfRunAt(int seq) {
        return end[after(seq) - 1];
    }

    /** Index of the first run starting after {@code seq} (count if none): binary search. */
    private int after(int seq) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (SeqNum.leq(start[mid], seq)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The record {@code [s, e)} got the mark: it joins the runs ending at s and starting at e. */
    void add(int s, int e) {
        int p = after(s);
        boolean joinsLower = p > 0 && end[p - 1] == s;
        boolean joinsUpper = p < count && start[p] == e;
        if (joinsLower && joinsUpper) {
            end[p - 1] = end[p];
            System.arraycopy(start, p + 1, start, p, count - p - 1);
            System.arraycopy(end, p + 1, end, p, count - p - 1);
            count--;
        } else if (joinsLower) {
            end[p - 1] = e;
        } else if (joinsUpper) {
            start[p] = s;
        } else {
            open(p);
            start[p] = s;
            end[p] = e;
        }
    }

    /** The record {@code [s, e)}, inside one run, lost the mark: the run shrinks or splits. */
    void remove(int s, int e) {
        int p = after(s) - 1;
        boolean fromStart = start[p] == s;
        boolean toEnd = end[p] == e;
        if (fromStart && toEnd) {
            System.arraycopy(start, p + 1, start, p, count - p - 1);
            System.arraycopy(end, p + 1, end, p, count - p - 1);
            count--;
        } else if (fromStart) {
            start[p] = e;
        } else if (toEnd) {
            end[p] = s;
        } else {
            open(p + 1);
            start[p + 1] = e;
            end[p + 1] = end[p];
            end[p] = s;
        }
    }

    /** SND.UNA moved to {@code una}: runs below it go, one across it starts there. */
    void acknowledge(int una) {
        int gone = 0;
        while (gone < count && SeqNum.leq(end[gone], una)) {
            gone++;
        }
        if (gone > 0) {
            System.arraycopy(start, gone, start, 0, count - gone);
            System.arraycopy(end, gone, end, 0, count - gone);
            count -= gone;
        }
        if (count > 0 && SeqNum.lt(start[0], una)) {
            start[0] = una;
        }
    }

    /** Bytes of the runs below {@code seq}. */
    long bytesBelow(int seq) {
        long n = 0;
        for (int p = 0; p < count && SeqNum.lt(start[p], seq); p++) {
            n += SeqNum.min(end[p], seq) - start[p];
        }
        return n;
    }

    /** Makes room for a run at index {@code p}. */
    private void open(int p) {
        if (count == start.length) {
            start = Arrays.copyOf(start, Math.max(8, 2 * count));
            end = Arrays.copyOf(end, Math.max(8, 2 * count));
        }
        System.arraycopy(start, p, start, p + 1, count - p);
        System.arraycopy(end, p, end, p + 1, count - p);
        count++;
    }
}
