package org.alpenstack.kernel.tcp;

/**
 * The data sender's SACK scoreboard: which bytes above SND.UNA the peer reported received
 * (RFC 2018), and the conservative loss recovery built on it (RFC 6675: {@code Update()},
 * {@code IsLost()}, {@code SetPipe()}, {@code NextSeg()}, HighACK / HighRxt / RescueRxt).
 * D-SACK blocks (RFC 2883) are recognised, counted, and never taken as newly SACKed data.
 *
 * <p>The SACKed bytes are kept as disjoint, sorted {@code [start, end)} intervals of sequence
 * space (end exclusive, compared with {@link SeqNum}, so wraparound is harmless), in two int
 * arrays allocated once: at most {@code maxBlocks} intervals are tracked. When a new block would
 * exceed that, the interval farthest from SND.UNA is forgotten: the sender then merely knows less
 * and may retransmit bytes the receiver already holds, which RFC 2018 section 8 tolerates (the
 * receiver may renege anyway), so a peer cannot make the scoreboard grow without bound.
 *
 * <p>Sequence conventions: {@code HighACK} is SND.UNA; {@code sndMax} ("HighData + 1" in RFC 6675)
 * is one past the highest byte ever sent (SND.MAX). {@link #highRxt()} is kept exclusive, one past
 * the last retransmitted byte. Byte counts are in bytes, not segments.
 *
 * <p>Typical engine use, on each ACK: {@link #update} (returns newly SACKed bytes); if not in
 * recovery and {@link #shouldEnterRecovery()}, call {@link #enterRecovery()} and the congestion
 * control's onEnterRecovery; then while {@code pipe() < cwnd}: {@link #nextSeg(int)}, send what it
 * names, and report it with {@link #markRetransmitted}/{@link #markRescueRetransmitted}/ordinary
 * SND.NXT advance; leave recovery with {@link #exitRecovery()} once {@code SND.UNA >= recoveryPoint()}.
 * Not thread-safe; no allocation after construction.
 */
public final class SackScoreboard {
    /** RFC 6675 section 2: DupThresh (Linux tcp_reordering default). */
    public static final int DEFAULT_DUP_THRESH = 3;
    /** Default number of SACKed intervals tracked (Linux needs none, holding per-skb state). */
    public static final int DEFAULT_MAX_BLOCKS = 64;

    /** {@link #nextSeg} found nothing to send. */
    public static final int NONE = 0;
    /** Rule (1): retransmit a hole that {@code IsLost()}. */
    public static final int RETRANSMIT_LOST = 1;
    /** Rule (2): send new data starting at sndMax. */
    public static final int NEW_DATA = 2;
    /** Rule (3): retransmit a hole below the highest SACKed byte that is not yet deemed lost. */
    public static final int RETRANSMIT_HOLE = 3;
    /** Rule (4): the rescue retransmission of the highest outstanding unSACKed segment. */
    public static final int RESCUE = 4;

    private final int[] starts;
    private final int[] ends;
    private final int maxBlocks;
    private int count;

    private int smss;
    private int dupThresh = DEFAULT_DUP_THRESH;

    private int highAck;
    private int sndMax;
    private int highRxt;
    private int rescueRxt;
    private boolean rescueValid;
    private int recoveryPoint;
    private boolean inRecovery;
    /** Recovery after an RTO (RFC 6675 5.1): every unSACKed byte below RecoveryPoint is lost. */
    private boolean afterTimeout;
    private long renegings;

    private long sackedBytes;
    private int dupAcks;
    private long dsackBlocks;
    private int lastDsackStart;
    private int lastDsackEnd;
    private boolean lastUpdateHadDsack;

    private int nextSeq;
    private int nextLen;

    public SackScoreboard(int smss) {
        this(smss, DEFAULT_MAX_BLOCKS);
    }

    public SackScoreboard(int smss, int maxBlocks) {
        if (maxBlocks < 1) {
            throw new IllegalArgumentException("maxBlocks must be at least 1: " + maxBlocks);
        }
        setSmss(smss);
        this.maxBlocks = maxBlocks;
        // One spare slot so that an insertion can overflow before the farthest interval is dropped.
        this.starts = new int[maxBlocks + 1];
        this.ends = new int[maxBlocks + 1];
    }

    /** Start over for a connection whose SND.UNA = SND.MAX = {@code sndUna}. */
    public void reset(int sndUna) {
        count = 0;
        sackedBytes = 0;
        highAck = sndUna;
        sndMax = sndUna;
        highRxt = sndUna;
        rescueValid = false;
        inRecovery = false;
        afterTimeout = false;
        recoveryPoint = sndUna;
        dupAcks = 0;
        lastUpdateHadDsack = false;
    }

    /** Forget every SACKed interval (e.g. when the engine decides the receiver reneged after an RTO). */
    public void clear() {
        count = 0;
        sackedBytes = 0;
    }

    public void setSmss(int smss) {
        if (smss <= 0) {
            throw new IllegalArgumentException("smss must be positive: " + smss);
        }
        this.smss = smss;
    }

    /** DupThresh (RFC 6675 section 2), Linux's tcp_reordering. */
    public void setDupThresh(int dupThresh) {
        if (dupThresh < 1) {
            throw new IllegalArgumentException("dupThresh must be at least 1: " + dupThresh);
        }
        this.dupThresh = dupThresh;
    }

    /** The engine sent new data: {@code sndMax} is one past the highest byte ever sent. */
    public void setSndMax(int sndMax) {
        if (SeqNum.gt(sndMax, this.sndMax)) {
            this.sndMax = sndMax;
        }
    }

    /**
     * RFC 6675 {@code Update()}: process the cumulative ACK and SACK blocks of one incoming ACK.
     *
     * @param ack     SEG.ACK, already validated by the engine (not beyond SND.MAX)
     * @param blocks  the SACK option's edges as received: {@code left0, right0, left1, right1, ...}
     * @param nBlocks number of blocks in {@code blocks}
     * @param sndMax  one past the highest byte sent (SND.MAX)
     * @return bytes SACKed for the first time by this ACK (0 for a pure cumulative ACK, a D-SACK,
     *         or blocks that only repeat known information)
     */
    public int update(int ack, int[] blocks, int nBlocks, int sndMax) {
        setSndMax(sndMax);
        lastUpdateHadDsack = false;
        boolean advanced = SeqNum.gt(ack, highAck);
        if (advanced) {
            advanceCumulative(ack);
        }
        int first = 0;
        if (nBlocks > 0 && isDsack(ack, blocks, nBlocks)) {
            // RFC 2883 section 4: the first block reports a duplicate, not new data.
            lastUpdateHadDsack = true;
            lastDsackStart = blocks[0];
            lastDsackEnd = blocks[1];
            dsackBlocks++;
            first = 1;
        }
        long newly = 0;
        for (int i = first; i < nBlocks; i++) {
            int left = blocks[2 * i];
            int right = blocks[2 * i + 1];
            // RFC 2018 section 3 / RFC 6675 section 4: ignore malformed blocks and any that claim
            // bytes never sent or already cumulatively acknowledged.
            if (!SeqNum.lt(left, right) || SeqNum.gt(right, this.sndMax) || SeqNum.leq(right, highAck)) {
                continue;
            }
            if (SeqNum.lt(left, highAck)) {
                left = highAck;
            }
            newly += insert(left, right);
        }
        if (advanced) {
            dupAcks = 0;
        } else if (newly > 0) {
            // RFC 6675 section 5: an ACK that SACKs new data counts as a duplicate ACK.
            dupAcks++;
        }
        return (int) Math.min(newly, Integer.MAX_VALUE);
    }

    private static boolean isDsack(int ack, int[] blocks, int nBlocks) {
        int left0 = blocks[0];
        int right0 = blocks[1];
        if (SeqNum.lt(left0, ack)) {
            return true;
        }
        return nBlocks > 1 && SeqNum.geq(left0, blocks[2]) && SeqNum.leq(right0, blocks[3]);
    }

    private void advanceCumulative(int ack) {
        highAck = ack;
        if (SeqNum.lt(highRxt, ack)) {
            highRxt = ack;
        }
        int drop = 0;
        while (drop < count && SeqNum.leq(ends[drop], ack)) {
            sackedBytes -= ends[drop] - starts[drop];
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(starts, drop, starts, 0, count - drop);
            System.arraycopy(ends, drop, ends, 0, count - drop);
            count -= drop;
        }
        if (count > 0 && SeqNum.lt(starts[0], ack)) {
            sackedBytes -= ack - starts[0];
            starts[0] = ack;
        }
    }

    /**
     * The receiver reneged (RFC 2018 section 8): a cumulative ACK to {@code ack}, beyond HighACK,
     * stops at or inside data it had SACKed, so it has thrown that data away (Linux
     * tcp_check_sack_reneging). Then all SACK information is forgotten, so that it is resent.
     * Call before {@link #update} with the same ACK.
     */
    public boolean checkReneging(int ack) {
        if (SeqNum.gt(ack, highAck) && SeqNum.lt(ack, sndMax) && isSacked(ack)) {
            renegings++;
            clear();
            return true;
        }
        return false;
    }

    /** Adds {@code [left, right)} and returns how many of its bytes were not SACKed before. */
    private long insert(int left, int right) {
        // First interval that ends at or after left (may touch or overlap).
        int i = 0;
        while (i < count && SeqNum.lt(ends[i], left)) {
            i++;
        }
        // Intervals i..j-1 touch or overlap [left, right).
        int j = i;
        long covered = 0;
        int newLeft = left;
        int newRight = right;
        while (j < count && SeqNum.leq(starts[j], right)) {
            int ovLeft = SeqNum.max(starts[j], left);
            int ovRight = SeqNum.min(ends[j], right);
            if (SeqNum.lt(ovLeft, ovRight)) {
                covered += ovRight - ovLeft;
            }
            newLeft = SeqNum.min(newLeft, starts[j]);
            newRight = SeqNum.max(newRight, ends[j]);
            sackedBytes -= ends[j] - starts[j];
            j++;
        }
        int merged = j - i;
        if (merged == 0) {
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            count++;
        } else if (merged > 1) {
            System.arraycopy(starts, j, starts, i + 1, count - j);
            System.arraycopy(ends, j, ends, i + 1, count - j);
            count -= merged - 1;
        }
        starts[i] = newLeft;
        ends[i] = newRight;
        sackedBytes += newRight - newLeft;
        long newly = (long) (right - left) - covered;
        if (count > maxBlocks) {
            // Forget the interval farthest from SND.UNA: it matters least to recovery.
            count--;
            int lost = ends[count] - starts[count];
            sackedBytes -= lost;
            if (count == i) {
                newly = Math.max(0, newly - lost);
            }
        }
        return newly;
    }

    /** Whether byte {@code seq} has been SACKed (and not yet cumulatively acknowledged). */
    public boolean isSacked(int seq) {
        for (int i = 0; i < count; i++) {
            if (SeqNum.inRange(seq, starts[i], ends[i])) {
                return true;
            }
            if (SeqNum.lt(seq, starts[i])) {
                return false;
            }
        }
        return false;
    }

    /**
     * RFC 6675 {@code IsLost(SeqNum)}: true when DupThresh discontiguous SACKed blocks lie above
     * {@code seq}, or more than {@code (DupThresh - 1) * SMSS} SACKed bytes do. A SACKed byte is
     * never lost. (Without per-segment records, each SACKed interval counts as one of the RFC's
     * "discontiguous sequences"; the byte rule covers intervals made of several segments.)
     */
    public boolean isLost(int seq) {
        if (SeqNum.lt(seq, highAck) || isSacked(seq)) {
            return false;
        }
        int blocksAbove = 0;
        long bytesAbove = 0;
        for (int i = count - 1; i >= 0 && SeqNum.gt(starts[i], seq); i--) {
            blocksAbove++;
            bytesAbove += ends[i] - starts[i];
        }
        return lostBy(blocksAbove, bytesAbove);
    }

    /** Whether every byte of {@code [from, to)} is SACKed (true for an empty range). */
    public boolean allSacked(int from, int to) {
        int p = from;
        for (int i = 0; i < count && SeqNum.lt(p, to); i++) {
            if (SeqNum.leq(ends[i], p)) {
                continue;
            }
            if (SeqNum.gt(starts[i], p)) {
                return false;
            }
            p = ends[i];
        }
        return !SeqNum.lt(p, to);
    }

    /** Times the receiver was found to have reneged on SACKed data (the scoreboard was then cleared). */
    public long renegings() {
        return renegings;
    }

    private boolean lostBy(int blocksAbove, long bytesAbove) {
        return blocksAbove >= dupThresh || bytesAbove > (long) (dupThresh - 1) * smss;
    }

    /** RFC 6675 section 5: enter recovery when DupAcks reached DupThresh or IsLost(HighACK + 1). */
    public boolean shouldEnterRecovery() {
        return !inRecovery && SeqNum.lt(highAck, sndMax) && (dupAcks >= dupThresh || isLost(highAck));
    }

    /**
     * RFC 6675 {@code SetPipe()}: the sender's estimate of bytes in the network. Every unSACKed byte
     * between HighACK and sndMax counts once unless {@code IsLost()}, and once more if it was
     * retransmitted in this recovery (below HighRxt).
     */
    public int pipe() {
        long pipe = 0;
        long bytesAbove = sackedBytes;
        int regionStart = highAck;
        for (int i = 0; i <= count; i++) {
            int regionEnd = i < count ? starts[i] : sndMax;
            if (SeqNum.lt(regionStart, regionEnd)) {
                boolean lost = i < count && lostBy(count - i, bytesAbove);
                if (!lost) {
                    pipe += regionEnd - regionStart - lostAfterTimeout(regionStart, regionEnd);
                }
                if (SeqNum.gt(highRxt, regionStart)) {
                    pipe += SeqNum.min(highRxt, regionEnd) - regionStart;
                }
            }
            if (i < count) {
                bytesAbove -= ends[i] - starts[i];
                regionStart = ends[i];
            }
        }
        return (int) Math.min(pipe, Integer.MAX_VALUE);
    }

    /** Bytes of the unSACKed {@code [from, to)} that count as lost because an RTO occurred (RFC 6675 5.1). */
    private long lostAfterTimeout(int from, int to) {
        if (!afterTimeout || !SeqNum.lt(from, recoveryPoint)) {
            return 0;
        }
        return SeqNum.min(to, recoveryPoint) - from;
    }

    /** Bytes below the highest SACKed byte that {@code IsLost()} deems lost (tcp_info "lost"). */
    public int lostBytes() {
        long lost = 0;
        long bytesAbove = sackedBytes;
        int regionStart = highAck;
        for (int i = 0; i < count; i++) {
            if (lostBy(count - i, bytesAbove)) {
                lost += starts[i] - regionStart;
            } else {
                lost += lostAfterTimeout(regionStart, starts[i]);
            }
            bytesAbove -= ends[i] - starts[i];
            regionStart = ends[i];
        }
        lost += lostAfterTimeout(regionStart, sndMax);
        return (int) Math.min(lost, Integer.MAX_VALUE);
    }

    /**
     * RFC 6675 {@code NextSeg()}: what to send next during recovery. Returns one of
     * {@link #NONE}, {@link #RETRANSMIT_LOST}, {@link #NEW_DATA}, {@link #RETRANSMIT_HOLE},
     * {@link #RESCUE}; the range is then {@link #nextSegSeq()} / {@link #nextSegLen()} (at most SMSS,
     * never covering SACKed bytes). Nothing changes until the engine reports what it actually sent.
     *
     * @param newDataAllowed bytes of new data the sender could send now at sndMax: queued but
     *                       unsent, and allowed by the peer's receive window (0 if none)
     */
    public int nextSeg(int newDataAllowed) {
        // Rule (1): the lowest lost hole above HighRxt, below the highest SACKed byte.
        long bytesAbove = sackedBytes;
        int holeStart = highAck;
        int firstHole = -1;
        for (int i = 0; i < count; i++) {
            int s = SeqNum.max(holeStart, highRxt);
            if (SeqNum.lt(s, starts[i])) {
                if (lostBy(count - i, bytesAbove) || lostAfterTimeout(s, starts[i]) > 0) {
                    return found(RETRANSMIT_LOST, s, starts[i] - s);
                }
                if (firstHole < 0) {
                    firstHole = i;
                }
            }
            bytesAbove -= ends[i] - starts[i];
            holeStart = ends[i];
        }
        if (afterTimeout) {
            // After an RTO the unSACKed tail below RecoveryPoint is lost too (Linux tcp_enter_loss
            // marks every unSACKed segment), not only the holes below the highest SACK.
            int s = SeqNum.max(holeStart, highRxt);
            if (SeqNum.lt(s, recoveryPoint)) {
                return found(RETRANSMIT_LOST, s, recoveryPoint - s);
            }
        }
        // Rule (2): new data.
        if (newDataAllowed > 0) {
            return found(NEW_DATA, sndMax, newDataAllowed);
        }
        // Rule (3): any hole above HighRxt below the highest SACKed byte.
        if (firstHole >= 0) {
            int s = SeqNum.max(firstHole == 0 ? highAck : ends[firstHole - 1], highRxt);
            return found(RETRANSMIT_HOLE, s, starts[firstHole] - s);
        }
        // Rule (4): one rescue retransmission per recovery, of the highest unSACKed segment.
        if (inRecovery && (!rescueValid || SeqNum.gt(highAck, rescueRxt))) {
            int end = sndMax;
            int floor = count > 0 ? ends[count - 1] : highAck;
            if (count > 0 && ends[count - 1] == sndMax) {
                end = starts[count - 1];
                floor = count > 1 ? ends[count - 2] : highAck;
            }
            // Never resend what rules (1)/(3) already retransmitted in this recovery: the rescue is
            // for the unSACKed tail that no SACK can ever mark lost (RFC 6675 section 4 rule 4).
            floor = SeqNum.max(floor, highRxt);
            if (SeqNum.lt(floor, end)) {
                int start = SeqNum.diff(floor, end) > smss ? end - smss : floor;
                return found(RESCUE, start, end - start);
            }
        }
        nextSeq = 0;
        nextLen = 0;
        return NONE;
    }

    private int found(int rule, int seq, int len) {
        nextSeq = seq;
        nextLen = Math.min(len, smss);
        return rule;
    }

    /** Start of the range chosen by the last {@link #nextSeg}. */
    public int nextSegSeq() {
        return nextSeq;
    }

    /** Length of the range chosen by the last {@link #nextSeg} (0 for NONE). */
    public int nextSegLen() {
        return nextLen;
    }

    /**
     * The engine retransmitted {@code [seq, seq+len)} under rule (1) or (3): HighRxt advances to its
     * end (RFC 6675 section 5 step C.2). New data is reported with {@link #setSndMax} instead.
     */
    public void markRetransmitted(int seq, int len) {
        int end = seq + len;
        if (SeqNum.gt(end, highRxt)) {
            highRxt = SeqNum.min(end, sndMax);
        }
    }

    /** The engine sent the rule (4) rescue retransmission: RescueRxt = RecoveryPoint, HighRxt unchanged. */
    public void markRescueRetransmitted() {
        rescueRxt = recoveryPoint;
        rescueValid = true;
    }

    /**
     * RFC 6675 section 5 step (4.1): RecoveryPoint = HighData; HighRxt restarts at HighACK and
     * RescueRxt is undefined.
     */
    public void enterRecovery() {
        inRecovery = true;
        recoveryPoint = sndMax;
        highRxt = highAck;
        rescueValid = false;
    }

    /**
     * The retransmission timer expired (RFC 6675 section 5.1): RecoveryPoint = HighData, and the
     * recovery that follows retransmits every unSACKed byte below it, in order, skipping what the
     * receiver SACKed (it "SHOULD utilize all SACK information made available"), without a rescue
     * retransmission. The SACKed intervals stay unless the receiver is seen to renege.
     */
    public void enterRecoveryAfterTimeout() {
        enterRecovery();
        afterTimeout = true;
        rescueRxt = recoveryPoint;
        rescueValid = true;
    }

    /** Whether the current recovery follows an RTO ({@link #enterRecoveryAfterTimeout()}). */
    public boolean recoveringFromTimeout() {
        return inRecovery && afterTimeout;
    }

    /** Recovery ended (SND.UNA reached {@link #recoveryPoint()}, or an RTO took over). */
    public void exitRecovery() {
        inRecovery = false;
        afterTimeout = false;
        highRxt = highAck;
        dupAcks = 0;
    }

    public boolean inRecovery() {
        return inRecovery;
    }

    /** HighData when recovery began; recovery ends once SND.UNA reaches it. */
    public int recoveryPoint() {
        return recoveryPoint;
    }

    /** HighACK = SND.UNA as last reported. */
    public int highAck() {
        return highAck;
    }

    /** One past the highest sequence number retransmitted in this recovery (HighACK if none). */
    public int highRxt() {
        return highRxt;
    }

    /** RescueRxt, meaningful only if {@link #hasRescueRxt()}. */
    public int rescueRxt() {
        return rescueRxt;
    }

    public boolean hasRescueRxt() {
        return rescueValid;
    }

    public int sndMax() {
        return sndMax;
    }

    /** ACKs that SACKed new data without advancing SND.UNA since it last advanced (RFC 6675 DupAcks). */
    public int dupAcks() {
        return dupAcks;
    }

    /** Bytes currently SACKed above SND.UNA. */
    public int sackedBytes() {
        return (int) Math.min(sackedBytes, Integer.MAX_VALUE);
    }

    /** True if the last {@link #update} carried a D-SACK block. */
    public boolean lastUpdateHadDsack() {
        return lastUpdateHadDsack;
    }

    public int lastDsackStart() {
        return lastDsackStart;
    }

    public int lastDsackEnd() {
        return lastDsackEnd;
    }

    /** D-SACK blocks received so far (Linux TcpExtTCPDSACKRecv). */
    public long dsackBlocksReceived() {
        return dsackBlocks;
    }

    /** Number of SACKed intervals tracked. */
    public int blockCount() {
        return count;
    }

    public int blockStart(int i) {
        return starts[checkIndex(i)];
    }

    public int blockEnd(int i) {
        return ends[checkIndex(i)];
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("block " + i + " of " + count);
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SackScoreboard{una=").append(Integer.toUnsignedString(highAck))
                .append(", max=").append(Integer.toUnsignedString(sndMax)).append(", sacked=[");
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : " ").append(Integer.toUnsignedString(starts[i])).append('-')
                    .append(Integer.toUnsignedString(ends[i]));
        }
        return b.append("], highRxt=").append(Integer.toUnsignedString(highRxt))
                .append(inRecovery ? ", recovery" : "").append('}').toString();
    }
}
