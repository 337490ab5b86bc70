package org.alpenstack.kernel.tcp;

/**
 * RACK, the time-based loss detection of RFC 8985 sections 6.1-6.3 (Linux tcp_recovery.c): a
 * segment is lost when a segment sent sufficiently later has been delivered, "sufficiently"
 * being the reordering window. Unlike the sequence-based DupThresh rule of RFC 6675, this also
 * detects a lost retransmission (the RFC 6675 sender only retransmits above HighRxt and waits
 * for the RTO otherwise) and losses in the recovery after an RTO.
 *
 * <p>It needs the transmission time of every segment in flight, which the interval-based
 * {@link SackScoreboard} does not keep: a record per transmitted range of {@code [SND.UNA, SND.MAX)}
 * in sequence order, each with its last transmission time and whether it was retransmitted,
 * SACKed or deemed lost. A retransmission covering part of a record splits it, so the records
 * follow whatever the output path sends (MSS segments or larger ones). The arrays grow with the
 * flight (never shrink) and are reused: no allocation per segment in the steady state.
 *
 * <p>Cost per ACK. Step 5 only concerns records neither SACKed nor marked lost that were sent
 * before RACK.segment (RFC 8985 6.2 step 5, 6.3). Those "waiting" records are also kept on a
 * second, intrusive list in transmission order ((xmit_ts, end) ascending, RFC 8985's
 * RACK_sent_after order): a new record and a restamped retransmission go to its tail, a SACKed,
 * acknowledged or lost one leaves it. {@link #detectLoss} walks it from the oldest transmission
 * and stops at the first record sent after RACK.segment, since everything behind it is newer; the
 * overdue records it marks leave the list, so it costs the marked records plus those still inside
 * the reordering window, not the flight (Linux's tcp_rack_detect_loss() walks its
 * tsorted_sent_queue the same way, tcp_recovery.c). {@link #onAck} jumps over the runs of
 * records already SACKed ({@link RecordRuns}), so a SACK block repeated on every ACK costs its
 * newly SACKed records, not its length; the runs of LOST records answer {@link #firstLost} and
 * {@link #lostBytesBelow} (asked on every ACK of a recovery) in a few steps per hole.
 *
 * <p>Engine use: {@link #onSent} for every data-bearing (re)transmission, {@link #onAck} for every
 * acceptable ACK (after the scoreboard has seen it), then {@link #detectLoss}; the records it marked
 * lost are retransmitted from {@link #firstLost()} on, before anything RFC 6675's NextSeg() names.
 */
final class Rack {
    private static final byte RETRANSMITTED = 1;
    private static final byte SACKED = 2;
    private static final byte LOST = 4;
    /** RFC 8985 6.2 step 4: how many recoveries free of D-SACKs before the window shrinks back. */
    private static final int REO_WND_PERSIST = 16;
    /**
     * Until the first transmission: an idle connection keeps no list arrays (the idle footprint
     * budget of IdleConnectionFootprintTest).
     */
    private static final int[] NONE = new int[0];

    private int[] start = new int[16];
    private int[] end = new int[16];
    private long[] xmitTs = new long[16];
    private byte[] flags = new byte[16];
    /** Ring: the record of logical index i lives at (head + i) & (capacity - 1). */
    private int head;
    private int size;
    /**
     * The waiting records (neither SACKED nor LOST) in transmission order, linked by slot: the
     * oldest transmission first (-1: none). A record is on the list exactly when its flags have
     * neither SACKED nor LOST.
     */
    private int[] older = NONE;
    private int[] newer = NONE;
    private int oldest = -1;
    private int newest = -1;
    /** The runs of SACKED records: a SACK block walk jumps over what is SACKed already. */
    private final RecordRuns sackedRuns = new RecordRuns();
    /**
     * The runs of LOST records: what to retransmit first and how much of pipe is lost, without
     * a walk over the flight (TcpRecovery asks on every ACK of a recovery).
     */
    private final RecordRuns lostRuns = new RecordRuns();
    /** forgetSacks() scratch: the waiting records to sort into transmission order. */
    private int[] scratch = NONE;

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
        oldest = -1;
        newest = -1;
        sackedRuns.clear();
        lostRuns.clear();
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
                    if (waiting(at)) {
                        unlink(at);
                    }
                    if ((flags[at] & LOST) != 0) {
                        lostBytes -= end[at] - start[at];
                        lostRuns.remove(start[at], end[at]);
                    }
                    flags[at] = (byte) ((flags[at] & SACKED) | RETRANSMITTED);
                    xmitTs[at] = now;
                    // Now the newest transmission; in sequence order within this one, which is
                    // RACK_sent_after's tie-break for records of the same time.
                    if (waiting(at)) {
                        link(at);
                    }
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
        if (older.length != start.length) {
            older = new int[start.length]; // the first record ever (grow() keeps them in step)
            newer = new int[start.length];
        }
        int at = slot(size++);
        start[at] = seq;
        end[at] = seqEnd;
        xmitTs[at] = now;
        flags[at] = 0;
        link(at); // the newest transmission, and the highest sequence of this one
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
            move(slot(k - 1), slot(k));
        }
        size++;
        int next = slot(i + 1);
        start[next] = seq;
        end[next] = end[at];
        xmitTs[next] = xmitTs[at];
        flags[next] = flags[at];
        end[at] = seq;
        if (waiting(next)) {
            // Same time as its lower half and the next end above it: no other record of that
            // transmission lies between the two in RACK_sent_after order.
            linkAfter(at, next);
        }
        return i + 1;
    }

    /** Moves the record at slot {@code from} to the free slot {@code to}, list links included. */
    private void move(int from, int to) {
        start[to] = start[from];
        end[to] = end[from];
        xmitTs[to] = xmitTs[from];
        flags[to] = flags[from];
        if (!waiting(to)) {
            return;
        }
        int o = older[from];
        int n = newer[from];
        older[to] = o;
        newer[to] = n;
        if (o >= 0) {
            newer[o] = to;
        } else {
            oldest = to;
        }
        if (n >= 0) {
            older[n] = to;
        } else {
            newest = to;
        }
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
        // Rare (RFC 2018 section 8): rebuild the waiting list, sorting by RACK_sent_after.
        if (scratch.length < size) {
            scratch = new int[start.length];
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            int at = slot(i);
            flags[at] &= ~SACKED;
            if (waiting(at)) {
                scratch[n++] = at;
            }
        }
        sackedRuns.clear();
        sortBySendTime(scratch, n);
        oldest = -1;
        newest = -1;
        for (int k = 0; k < n; k++) {
            link(scratch[k]);
        }
    }

    /** Heap sort of record slots by RACK_sent_after (oldest first): no allocation. */
    private void sortBySendTime(int[] a, int n) {
        for (int k = n / 2 - 1; k >= 0; k--) {
            siftDown(a, k, n);
        }
        for (int last = n - 1; last > 0; last--) {
            int t = a[0];
            a[0] = a[last];
            a[last] = t;
            siftDown(a, 0, last);
        }
    }

    private void siftDown(int[] a, int k, int n) {
        while (2 * k + 1 < n) {
            int c = 2 * k + 1;
            if (c + 1 < n && sentAfter(xmitTs[a[c + 1]], end[a[c + 1]], xmitTs[a[c]], end[a[c]])) {
                c++;
            }
            if (!sentAfter(xmitTs[a[c]], end[a[c]], xmitTs[a[k]], end[a[k]])) {
                return;
            }
            int t = a[k];
            a[k] = a[c];
            a[c] = t;
            k = c;
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
            if (waiting(at)) {
                unlink(at);
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
        sackedRuns.acknowledge(una);
        lostRuns.acknowledge(una);
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
            int i = indexOf(SeqNum.max(left, una));
            while (i < size) {
                int at = slot(i);
                if (SeqNum.gt(end[at], right)) {
                    break;
                }
                if ((flags[at] & SACKED) != 0) {
                    // SACKed before (usually by this same block on an earlier ACK): jump the run.
                    i = indexOf(sackedRuns.endOfRunAt(start[at]));
                    continue;
                }
                if (SeqNum.geq(start[at], left)) {
                    if (waiting(at)) {
                        unlink(at);
                    }
                    flags[at] |= SACKED;
                    if ((flags[at] & LOST) != 0) {
                        flags[at] &= ~LOST;
                        lostBytes -= end[at] - start[at];
                        lostRuns.remove(start[at], end[at]);
                    }
                    sackedRuns.add(start[at], end[at]);
                    delivered(at, hasEcho, echoMs, minRtt, now);
                }
                i++;
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
        // Only waiting records can qualify, oldest transmission first: once one was sent after
        // RACK.segment, so were all the rest (RFC 8985 6.2 step 5; Linux tcp_rack_detect_loss()).
        int at = oldest;
        while (at >= 0 && sentAfter(rackXmitTs, rackEndSeq, xmitTs[at], end[at])) {
            int next = newer[at];
            long remaining = xmitTs[at] + rackRtt + reoWnd - now;
            if (remaining <= 0) {
                unlink(at);
                flags[at] |= LOST;
                lostBytes += end[at] - start[at];
                lostRuns.add(start[at], end[at]);
            } else {
                timeout = Math.max(timeout, remaining);
            }
            at = next;
        }
        return timeout;
    }

    // ---- the waiting list ----

    private boolean waiting(int at) {
        return (flags[at] & (SACKED | LOST)) == 0;
    }

    /** Appends the record at {@code at} as the newest transmission. */
    private void link(int at) {
        older[at] = newest;
        newer[at] = -1;
        if (newest >= 0) {
            newer[newest] = at;
        } else {
            oldest = at;
        }
        newest = at;
    }

    /** Links {@code at} right after {@code before}, which is on the list. */
    private void linkAfter(int before, int at) {
        int n = newer[before];
        older[at] = before;
        newer[at] = n;
        newer[before] = at;
        if (n >= 0) {
            older[n] = at;
        } else {
            newest = at;
        }
    }

    private void unlink(int at) {
        int o = older[at];
        int n = newer[at];
        if (o >= 0) {
            newer[o] = n;
        } else {
            oldest = n;
        }
        if (n >= 0) {
            older[n] = o;
        } else {
            newest = o;
        }
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
        return lostRuns.isEmpty() ? -1 : indexOf(lostRuns.firstStart());
    }

    /** Lost bytes (not retransmitted since) below {@code seq}: what RFC 6675's pipe counts once too often. */
    long lostBytesBelow(int seq) {
        if (lostBytes <= 0) {
            return 0;
        }
        return lostRuns.bytesBelow(seq);
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
        int[] o = new int[cap];
        int[] n = new int[cap];
        int mask = start.length - 1;
        for (int i = 0; i < size; i++) {
            int at = slot(i);
            s[i] = start[at];
            e[i] = end[at];
            t[i] = xmitTs[at];
            f[i] = flags[at];
            // Slot k moves to logical index (k - head) & mask; -1 (no neighbour) stays.
            o[i] = older[at] < 0 ? -1 : (older[at] - head) & mask;
            n[i] = newer[at] < 0 ? -1 : (newer[at] - head) & mask;
        }
        oldest = oldest < 0 ? -1 : (oldest - head) & mask;
        newest = newest < 0 ? -1 : (newest - head) & mask;
        start = s;
        end = e;
        xmitTs = t;
        flags = f;
        older = o;
        newer = n;
        head = 0;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Rack{records=").append(size).append(", lost=").append(lostBytes)
                .append(", reordering=").append(reorderingSeen).append(", mult=").append(reoWndMult);
        return b.append('}').toString();
    }
}
