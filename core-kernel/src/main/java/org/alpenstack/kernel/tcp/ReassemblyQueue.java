package org.alpenstack.kernel.tcp;

/**
 * The receive side of a connection's data: puts each segment's payload at its place in the
 * {@link ReceiveBuffer}, remembers which out-of-order ranges are held, advances RCV.NXT when a
 * gap fills, and produces the SACK blocks (RFC 2018 section 4) and D-SACK blocks (RFC 2883) to
 * advertise.
 *
 * <p>Out-of-order data is held as disjoint {@code [start, end)} sequence intervals (end
 * exclusive, compared with {@link SeqNum}) in int arrays allocated once; the payload itself sits
 * in the receive buffer's free space at offset {@code seq - RCV.NXT}. Bytes already held are
 * never overwritten (the first copy wins, as in Linux's out-of-order queue). Memory is bounded
 * twice: nothing is kept beyond {@code RCV.NXT + buffer.free()} (the window we can offer), and at
 * most {@code maxIntervals} ranges are tracked; beyond that the highest range is dropped, as
 * Linux's tcp_prune_ofo_queue drops from the tail (the sender will retransmit it).
 *
 * <p>The engine does the RFC 9293 section 3.10.7.4 acceptability test and handles SYN/FIN itself
 * (an out-of-order FIN is remembered by the engine and takes effect when RCV.NXT reaches it);
 * this class sees payload bytes only. It sends an immediate ACK when a segment arrived out of
 * order or filled a gap (RFC 5681 section 4.2 / RFC 9293 3.10.7.4), which it can tell from
 * {@link #lastSegmentOutOfOrder()} and {@link #lastSegmentFilledGap()}.
 *
 * <p>Not thread-safe; no allocation after construction.
 */
public final class ReassemblyQueue {
    /** Default number of out-of-order ranges tracked. */
    public static final int DEFAULT_MAX_INTERVALS = 64;

    private final ReceiveBuffer buffer;
    private final int maxIntervals;
    private final int[] starts;
    private final int[] ends;
    /** When each range last received data, for the RFC 2018 "most recent first" order. */
    private final long[] stamps;
    private int count;
    private long clock;

    private int rcvNxt;
    private boolean dsackPending;
    private int dsackStart;
    private int dsackEnd;
    private boolean lastOutOfOrder;
    private boolean lastFilledGap;
    private long duplicateBytes;
    private long droppedBytes;

    public ReassemblyQueue(ReceiveBuffer buffer) {
        this(buffer, DEFAULT_MAX_INTERVALS);
    }

    public ReassemblyQueue(ReceiveBuffer buffer, int maxIntervals) {
        if (maxIntervals < 1) {
            throw new IllegalArgumentException("maxIntervals must be at least 1: " + maxIntervals);
        }
        this.buffer = buffer;
        this.maxIntervals = maxIntervals;
        this.starts = new int[maxIntervals + 1];
        this.ends = new int[maxIntervals + 1];
        this.stamps = new long[maxIntervals + 1];
    }

    /** Start receiving with RCV.NXT = {@code rcvNxt} (IRS + 1 once the SYN is accepted). */
    public void reset(int rcvNxt) {
        this.rcvNxt = rcvNxt;
        count = 0;
        dsackPending = false;
        lastOutOfOrder = false;
        lastFilledGap = false;
    }

    /** RCV.NXT: the next in-order sequence number expected. */
    public int rcvNxt() {
        return rcvNxt;
    }

    /**
     * Advances RCV.NXT over a sequence number that carries no payload (the peer's FIN), which must
     * be exactly RCV.NXT.
     */
    public void advanceOverFin() {
        rcvNxt++;
    }

    public ReceiveBuffer buffer() {
        return buffer;
    }

    /** The receive window to advertise (before window scaling): the buffer's free space. */
    public int window() {
        return buffer.free();
    }

    /**
     * Accepts the payload {@code src[off .. off+len)} of a segment with sequence number {@code seq}.
     * Bytes before RCV.NXT or already held are duplicates and produce a D-SACK; bytes beyond the
     * window are dropped. Returns how far RCV.NXT advanced (the bytes that became readable).
     */
    public int receive(int seq, byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        lastOutOfOrder = false;
        lastFilledGap = false;
        if (len == 0) {
            return 0;
        }
        int end = seq + len;
        if (SeqNum.leq(end, rcvNxt)) {
            noteDuplicate(seq, end);
            return 0;
        }
        if (SeqNum.lt(seq, rcvNxt)) {
            noteDuplicate(seq, rcvNxt);
            int trim = SeqNum.diff(seq, rcvNxt);
            off += trim;
            seq = rcvNxt;
        }
        int windowEnd = rcvNxt + buffer.free();
        if (SeqNum.gt(end, windowEnd)) {
            droppedBytes += SeqNum.diff(SeqNum.max(seq, windowEnd), end);
            end = windowEnd;
        }
        if (!SeqNum.lt(seq, end)) {
            return 0;
        }
        boolean hadGap = count > 0;
        boolean inOrder = seq == rcvNxt;
        lastOutOfOrder |= !inOrder;
        if (!store(seq, end, src, off)) {
            return 0;
        }
        int delivered = 0;
        if (count > 0 && starts[0] == rcvNxt) {
            delivered = SeqNum.diff(starts[0], ends[0]);
            buffer.commit(delivered);
            rcvNxt = ends[0];
            removeAt(0);
            lastFilledGap = hadGap && inOrder;
        }
        return delivered;
    }

    /** Writes the bytes of [seq, end) not held yet and records the range; false if it was pruned. */
    private boolean store(int seq, int end, byte[] src, int off) {
        int i = 0;
        while (i < count && SeqNum.lt(ends[i], seq)) {
            i++;
        }
        // Fill the gaps between held ranges i.. that overlap [seq, end); report the first overlap.
        int cursor = seq;
        int j = i;
        boolean dupReported = false;
        while (j < count && SeqNum.leq(starts[j], end)) {
            if (SeqNum.lt(cursor, starts[j])) {
                writePart(cursor, starts[j], seq, src, off);
            }
            int ovStart = SeqNum.max(starts[j], seq);
            int ovEnd = SeqNum.min(ends[j], end);
            if (SeqNum.lt(ovStart, ovEnd) && !dupReported) {
                noteDuplicate(ovStart, ovEnd);
                dupReported = true;
            }
            cursor = SeqNum.max(cursor, ends[j]);
            j++;
        }
        if (SeqNum.lt(cursor, end)) {
            writePart(cursor, end, seq, src, off);
        }
        int merged = j - i;
        int newStart = merged > 0 ? SeqNum.min(seq, starts[i]) : seq;
        int newEnd = merged > 0 ? SeqNum.max(end, ends[j - 1]) : end;
        if (merged == 0) {
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            System.arraycopy(stamps, i, stamps, i + 1, count - i);
            count++;
        } else if (merged > 1) {
            System.arraycopy(starts, j, starts, i + 1, count - j);
            System.arraycopy(ends, j, ends, i + 1, count - j);
            System.arraycopy(stamps, j, stamps, i + 1, count - j);
            count -= merged - 1;
        }
        starts[i] = newStart;
        ends[i] = newEnd;
        stamps[i] = ++clock;
        if (count > maxIntervals) {
            // Prune the range farthest from RCV.NXT (Linux tcp_prune_ofo_queue).
            count--;
            droppedBytes += SeqNum.diff(starts[count], ends[count]);
            return count != i;
        }
        return true;
    }

    private void writePart(int from, int to, int segSeq, byte[] src, int segOff) {
        buffer.writeAt(SeqNum.diff(rcvNxt, from), src, segOff + SeqNum.diff(segSeq, from), SeqNum.diff(from, to));
    }

    /**
     * A segment refused before its data was looked at (PAWS): the part of [seq, end) below
     * RCV.NXT is a duplicate for the next ACK's D-SACK block, as Linux's tcp_send_dupack reports
     * it; the rest is not taken.
     */
    void rejectedDuplicate(int seq, int end) {
        if (SeqNum.lt(seq, rcvNxt) && SeqNum.lt(seq, end)) {
            noteDuplicate(seq, SeqNum.min(end, rcvNxt));
        }
    }

    private void noteDuplicate(int start, int end) {
        // RFC 2883 section 4: report the duplicate in the next ACK's first SACK block.
        dsackPending = true;
        dsackStart = start;
        dsackEnd = end;
        duplicateBytes += SeqNum.diff(start, end);
        lastOutOfOrder = true; // a duplicate is answered at once (RFC 9293 3.10.7.4, RFC 5681 4.2)
    }

    private void removeAt(int i) {
        System.arraycopy(starts, i + 1, starts, i, count - i - 1);
        System.arraycopy(ends, i + 1, ends, i, count - i - 1);
        System.arraycopy(stamps, i + 1, stamps, i, count - i - 1);
        count--;
    }

    /**
     * Fills {@code out} with the SACK blocks for the next ACK as {@code left, right} pairs and
     * returns the number of blocks. A pending D-SACK comes first and is consumed (it is reported
     * once, RFC 2883 section 4); the out-of-order ranges follow, most recently changed first (RFC
     * 2018 section 4: the first block covers the most recently received segment). Use
     * {@code maxBlocks} = 3 with timestamps, 4 without (40 bytes of options).
     */
    public int sackBlocks(int[] out, int maxBlocks) {
        int limit = Math.min(maxBlocks, out.length / 2);
        int n = 0;
        if (dsackPending && limit > 0) {
            out[0] = dsackStart;
            out[1] = dsackEnd;
            n = 1;
            dsackPending = false;
        }
        // Selection by recency without sorting or allocating: repeatedly take the newest stamp
        // below the previous one (count and maxBlocks are small).
        long below = Long.MAX_VALUE;
        while (n < limit) {
            int best = -1;
            for (int i = 0; i < count; i++) {
                if (stamps[i] < below && (best < 0 || stamps[i] > stamps[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            out[2 * n] = starts[best];
            out[2 * n + 1] = ends[best];
            below = stamps[best];
            n++;
        }
        return n;
    }

    /** Whether the next ACK should carry a D-SACK block. */
    public boolean hasPendingDsack() {
        return dsackPending;
    }

    /** Whether out-of-order data is held (the engine must then send SACK blocks and ACK at once). */
    public boolean hasOutOfOrder() {
        return count > 0;
    }

    /** Number of out-of-order ranges held. */
    public int intervalCount() {
        return count;
    }

    public int intervalStart(int i) {
        return starts[checkIndex(i)];
    }

    public int intervalEnd(int i) {
        return ends[checkIndex(i)];
    }

    /** Bytes held out of order. */
    public int outOfOrderBytes() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += SeqNum.diff(starts[i], ends[i]);
        }
        return (int) n;
    }

    /** The last segment did not start at RCV.NXT, or was (partly) a duplicate: ACK immediately. */
    public boolean lastSegmentOutOfOrder() {
        return lastOutOfOrder;
    }

    /** The last segment filled the gap at RCV.NXT while out-of-order data was held: ACK immediately. */
    public boolean lastSegmentFilledGap() {
        return lastFilledGap;
    }

    /** Bytes received that were already held or acknowledged. */
    public long duplicateBytes() {
        return duplicateBytes;
    }

    /** Bytes dropped for lack of window or of interval slots. */
    public long droppedBytes() {
        return droppedBytes;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("interval " + i + " of " + count);
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ReassemblyQueue{rcvNxt=").append(Integer.toUnsignedString(rcvNxt)).append(", ooo=[");
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : " ").append(Integer.toUnsignedString(starts[i])).append('-')
                    .append(Integer.toUnsignedString(ends[i]));
        }
        return b.append("]}").toString();
    }
}
