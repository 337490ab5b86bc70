package org.alpenstack.kernel.tcp;

/**
 * The straightforward RACK of before the transmission-ordered list (a walk over every record per
 * ACK) as of commit 759b35f, verbatim apart from its name and the lost()/sacked() accessors:
 * the reference {@link RackModelTest} holds {@link Rack} to, decision for decision (RFC 8985
 * 6.1-6.3), and the "walk" side of RackBenchmark. Test code only.
 */
final class RackReference {
    private static final byte RETRANSMITTED = 1;
    private static final byte SACKED = 2;
    private static final byte LOST = 4;
    /** RFC 8985 6.2 step 4: how many recoveries free of D-SACKs before the window shrinks back. */
    private static final int REO_WND_PERSIST = 16;

    private int[] start = new int[16];
    private int[] end = new int[16];
    private long[] xmitTs = new long[16];
    private byte[] flags = new byte[16];
    /** Ring: the record of logical index i lives at (head + i) & (capacity - 1). */
    private int head;
    private int size;

    /** RACK.xmit_ts, RACK.end_seq, RACK.rtt: the most recently sent segment delivered so far. */
    private long rackXmitTs = Long.MIN_VALUE;
    private int rackEndSeq;
    private long rackRtt;
    private boolean rackValid;
    /**
     * RACK.min_RTT from the records' own nanosecond times: the connection's estimator works from
     * millisecond timestamp echoes, which on a sub-millisecond path say 0 and would leave no
     * reordering window at all (RFC 8985 6.2 step 4 takes a quarter of it).
     */
    private long minRtt = Long.MAX_VALUE;
    /** RACK.fack: the highest end sequence delivered (cumulatively or selectively). */
    private int fack;
    private boolean reorderingSeen;
    private int reoWndMult = 1;
    private int reoWndPersist;
    private int dsackRound;
    private boolean dsackRoundValid;
    /** Bytes marked lost and not retransmitted since. */
    private long lostBytes;
    /** The last transmission time handed out: times are kept strictly increasing (see {@link #onSent}). */
    private long lastStamp = Long.MIN_VALUE;

    /** Forget everything: a new connection whose SND.UNA = SND.MAX = {@code sndUna}. */
    void reset(int sndUna) {
        head = 0;
        size = 0;
        rackValid = false;
        rackXmitTs = Long.MIN_VALUE;
        minRtt = Long.MAX_VALUE;
        fack = sndUna;
        reorderingSeen = false;
        reoWndMult = 1;
        reoWndPersist = 0;
        dsackRoundValid = false;
        lostBytes = 0;
    }

    // ---- transmissions ----

    /**
     * {@code [seq, seqEnd)} (data, and the FIN's sequence number) left at {@code now}: new data is
     * appended, a retransmission restamps the records it covers (splitting them at its edges).
     */
    void onSent(int seq, int seqEnd, long now) {
        if (!SeqNum.lt(seq, seqEnd)) {
            return;
        }
        // Transmissions in the same clock tick keep their order (a nanosecond apart): RFC 8985's
        // tie-break by sequence number would call a retransmission "sent before" the higher
        // segments that went out in the same tick before it, and deem it lost at once.
        now = Math.max(now, lastStamp + 1);
        lastStamp = now;
        int tail = size == 0 ? seq : end(size - 1);
        if (size > 0 && SeqNum.lt(seq, tail)) {
            if (SeqNum.lt(seq, start(0))) {
                seq = start(0); // already acknowledged below
            }
            int stop = SeqNum.min(seqEnd, tail);
            if (SeqNum.lt(seq, stop)) {
                int i = split(seq);
                int j = split(stop);
                for (int k = i; k < j; k++) {
                    int at = slot(k);
                    if ((flags[at] & LOST) != 0) {
                        lostBytes -= end[at] - start[at];
                    }
                    flags[at] = (byte) ((flags[at] & SACKED) | RETRANSMITTED);
                    xmitTs[at] = now;
                }
            }
            seq = stop;
            if (!SeqNum.lt(seq, seqEnd)) {
                return;
            }
        }
        append(seq, seqEnd, now);
    }

    private void append(int seq, int seqEnd, long now) {
        if (size == start.length) {
            grow();
        }
        int at = slot(size++);
        start[at] = seq;
        end[at] = seqEnd;
        xmitTs[at] = now;
        flags[at] = 0;
    }

    /** Makes {@code seq} a record boundary; returns the logical index of the record starting there (or size). */
    private int split(int seq) {
        int i = indexOf(seq);
        if (i >= size) {
            return size;
        }
        int at = slot(i);
        if (start[at] == seq) {
            return i;
        }
        if (size == start.length) {
            grow();
            at = slot(i);
        }
        // Open a slot at i + 1 by moving the records after i one place up.
        for (int k = size; k > i + 1; k--) {
            int to = slot(k);
            int from = slot(k - 1);
            start[to] = start[from];
            end[to] = end[from];
            xmitTs[to] = xmitTs[from];
            flags[to] = flags[from];
        }
        size++;
        int next = slot(i + 1);
        start[next] = seq;
        end[next] = end[at];
        xmitTs[next] = xmitTs[at];
        flags[next] = flags[at];
        end[at] = seq;
        return i + 1;
    }

    /** Logical index of the first record whose end is after {@code seq} (size if none): binary search. */
    private int indexOf(int seq) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (SeqNum.leq(end(mid), seq)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The receiver reneged (RFC 2018 section 8): nothing above SND.UNA counts as delivered any more. */
    void forgetSacks() {
        for (int i = 0; i < size; i++) {
            flags[slot(i)] &= ~SACKED;
        }
    }

    // ---- ACKs: RFC 8985 6.2 steps 1-3 ----

    /** The newest segment this ACK delivered, for RACK.rtt (step 2 processes in xmit_ts order). */
    private long ackNewestTs;
    private int ackNewestEnd;
    private boolean ackNewest;

    /**
     * An acceptable ACK: {@code una} is SND.UNA after it, {@code blocks} its SACK edges (the first
     * one skipped when {@code dsack}), {@code echoMs} the millisecond clock value its timestamp
     * echoes (when {@code hasEcho}), {@code minRtt} the connection's minimum RTT.
     */
    void onAck(int una, int[] blocks, int nBlocks, boolean dsack, boolean hasEcho, int echoMs, long connectionMinRtt,
            int sndNxt, long now) {
        long minRtt = Math.min(this.minRtt, connectionMinRtt);
        ackNewest = false;
        // Cumulatively acknowledged records, in sequence order (the ACK was already validated).
        while (size > 0 && SeqNum.leq(end(0), una)) {
            int at = slot(0);
            if ((flags[at] & SACKED) == 0) {
                delivered(at, hasEcho, echoMs, minRtt, now);
            }
            if ((flags[at] & LOST) != 0) {
                lostBytes -= end[at] - start[at];
            }
            head = (head + 1) & (start.length - 1);
            size--;
        }
        if (size > 0 && SeqNum.lt(start(0), una)) {
            int at = slot(0);
            if ((flags[at] & LOST) != 0) {
                lostBytes -= una - start[at];
            }
            start[at] = una;
        }
        // SACKed records, block by block in ascending order (for step 3's reordering test).
        int first = dsack ? 1 : 0;
        int done = 0;
        for (int n = first; n < nBlocks; n++) {
            int pick = -1;
            for (int b = first; b < nBlocks; b++) {
                if ((done & (1 << b)) == 0 && (pick < 0 || SeqNum.lt(blocks[2 * b], blocks[2 * pick]))) {
                    pick = b;
                }
            }
            done |= 1 << pick;
            int left = blocks[2 * pick];
            int right = blocks[2 * pick + 1];
            if (!SeqNum.lt(left, right) || SeqNum.leq(right, una) || SeqNum.gt(right, sndNxtOrTail(sndNxt))) {
                continue;
            }
            for (int i = indexOf(SeqNum.max(left, una)); i < size; i++) {
                int at = slot(i);
                if (SeqNum.gt(end[at], right)) {
                    break;
                }
                if (SeqNum.geq(start[at], left) && (flags[at] & SACKED) == 0) {
                    flags[at] |= SACKED;
                    if ((flags[at] & LOST) != 0) {
                        flags[at] &= ~LOST;
                        lostBytes -= end[at] - start[at];
                    }
                    delivered(at, hasEcho, echoMs, minRtt, now);
                }
            }
        }
        if (ackNewest) {
            rackRtt = Math.max(0, now - ackNewestTs);
            if (!rackValid || sentAfter(ackNewestTs, ackNewestEnd, rackXmitTs, rackEndSeq)) {
                rackXmitTs = ackNewestTs;
                rackEndSeq = ackNewestEnd;
                rackValid = true;
            }
        }
        // Step 4's D-SACK adaptation: one step of the multiplier per round trip that saw a D-SACK.
        if (dsackRoundValid && SeqNum.geq(una, dsackRound)) {
            dsackRoundValid = false;
        }
        if (dsack && !dsackRoundValid) {
            dsackRoundValid = true;
            dsackRound = sndNxt;
            reoWndMult = Math.min(reoWndMult + 1, 64);
            reoWndPersist = REO_WND_PERSIST;
        }
    }

    private int sndNxtOrTail(int sndNxt) {
        return size == 0 ? sndNxt : SeqNum.max(sndNxt, end(size - 1));
    }

    /** One record newly delivered: steps 2 (RACK update) and 3 (reordering detection). */
    private void delivered(int at, boolean hasEcho, int echoMs, long minRtt, long now) {
        long ts = xmitTs[at];
        int e = end[at];
        boolean retransmitted = (flags[at] & RETRANSMITTED) != 0;
        if (SeqNum.gt(e, fack)) {
            fack = e;
        } else if (SeqNum.lt(e, fack) && !retransmitted) {
            reorderingSeen = true;
        }
        if (retransmitted) {
            // Which transmission arrived is ambiguous: an echo older than the retransmission, or an
            // RTT shorter than any seen, means the original did (RFC 8985 6.2 step 2).
            if (hasEcho && (int) (ts / 1_000_000L) - echoMs > 0) {
                return;
            }
            if (now - ts < minRtt) {
                return;
            }
        } else if (now - ts > 0 && now - ts < this.minRtt) {
            this.minRtt = now - ts;
        }
        if (!ackNewest || sentAfter(ts, e, ackNewestTs, ackNewestEnd)) {
            ackNewest = true;
            ackNewestTs = ts;
            ackNewestEnd = e;
        }
    }

    /** Recovery (fast or after an RTO) ended: RFC 8985 6.2 step 4's persistence count. */
    void recoveryEnded() {
        if (reoWndPersist > 0 && --reoWndPersist == 0) {
            reoWndMult = 1;
        }
    }

    // ---- RFC 8985 6.2 steps 4-5 ----

    /** RACK.reo_wnd (step 4). */
    long reorderingWindow(boolean inRecovery, int sackedSegments, int dupThresh, long connectionMinRtt, long srtt) {
        if (!reorderingSeen && (inRecovery || sackedSegments >= dupThresh)) {
            return 0;
        }
        long minRtt = this.minRtt != Long.MAX_VALUE ? this.minRtt : connectionMinRtt;
        srtt = Math.max(srtt, minRtt);
        if (minRtt == Long.MAX_VALUE) {
            return 0;
        }
        return Math.min(minRtt / 4 * reoWndMult, srtt);
    }

    /**
     * Step 5: marks lost every record sent before RACK.segment by more than RACK.rtt + reoWnd ago;
     * returns the time until the next record would qualify (0 if none), for the RACK timer.
     */
    long detectLoss(long reoWnd, long now) {
        if (!rackValid) {
            return 0;
        }
        long timeout = 0;
        for (int i = 0; i < size; i++) {
            int at = slot(i);
            if ((flags[at] & (SACKED | LOST)) != 0) {
                continue;
            }
            if (!sentAfter(rackXmitTs, rackEndSeq, xmitTs[at], end[at])) {
                continue;
            }
            long remaining = xmitTs[at] + rackRtt + reoWnd - now;
            if (remaining <= 0) {
                flags[at] |= LOST;
                lostBytes += end[at] - start[at];
            } else {
                timeout = Math.max(timeout, remaining);
            }
        }
        return timeout;
    }

    /** RFC 8985 RACK_sent_after: t1 later than t2, or at the same time and higher in sequence. */
    private static boolean sentAfter(long t1, int seq1, long t2, int seq2) {
        return t1 > t2 || t1 == t2 && SeqNum.gt(seq1, seq2);
    }

    // ---- what to retransmit ----

    /** Whether any record is marked lost and not retransmitted since. */
    boolean hasLost() {
        return lostBytes > 0;
    }

    /** Bytes marked lost and not retransmitted since. */
    long lostBytes() {
        return lostBytes;
    }

    /** Logical index of the lowest record marked lost (and not retransmitted since), or -1. */
    int firstLost() {
        if (lostBytes <= 0) {
            return -1;
        }
        for (int i = 0; i < size; i++) {
            if ((flags[slot(i)] & LOST) != 0) {
                return i;
            }
        }
        return -1;
    }

    /** Lost bytes (not retransmitted since) below {@code seq}: what RFC 6675's pipe counts once too often. */
    long lostBytesBelow(int seq) {
        if (lostBytes <= 0) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < size; i++) {
            int at = slot(i);
            if (!SeqNum.lt(start[at], seq)) {
                break;
            }
            if ((flags[at] & LOST) != 0) {
                n += SeqNum.min(end[at], seq) - start[at];
            }
        }
        return n;
    }

    int start(int i) {
        return start[slot(i)];
    }

    int end(int i) {
        return end[slot(i)];
    }

    int records() {
        return size;
    }

    /** Whether record {@code i} is marked lost (and not retransmitted since): for tests. */
    boolean lost(int i) {
        return (flags[slot(i)] & LOST) != 0;
    }

    /** Whether record {@code i} was SACKed: for tests. */
    boolean sacked(int i) {
        return (flags[slot(i)] & SACKED) != 0;
    }

    boolean reorderingSeen() {
        return reorderingSeen;
    }

    private int slot(int i) {
        return (head + i) & (start.length - 1);
    }

    private void grow() {
        int cap = start.length * 2;
        int[] s = new int[cap];
        int[] e = new int[cap];
        long[] t = new long[cap];
        byte[] f = new byte[cap];
        for (int i = 0; i < size; i++) {
            int at = slot(i);
            s[i] = start[at];
            e[i] = end[at];
            t[i] = xmitTs[at];
            f[i] = flags[at];
        }
        start = s;
        end = e;
        xmitTs = t;
        flags = f;
        head = 0;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("RackReference{records=").append(size).append(", lost=").append(lostBytes)
                .append(", reordering=").append(reorderingSeen).append(", mult=").append(reoWndMult);
        return b.append('}').toString();
    }
}
