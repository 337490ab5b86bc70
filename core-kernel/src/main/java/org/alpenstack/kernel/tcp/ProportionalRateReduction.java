package org.alpenstack.kernel.tcp;

/**
 * Proportional Rate Reduction (RFC 6937), the fast-recovery send rule Linux uses: instead of
 * halting for half a window and then bursting (RFC 5681) or sending whenever pipe &lt; cwnd
 * (RFC 6675, bursty after heavy loss), it spreads the window reduction evenly over the
 * recovery's ACKs so that recovery ends with pipe close to ssthresh.
 *
 * <p>Engine use, one instance per connection: on entering recovery call {@link #enter} with
 * the flight (RecoverFS = SND.NXT - SND.UNA) after the congestion control has set ssthresh; on
 * every ACK during recovery call {@link #onAck} with the data newly delivered (SND.UNA advance
 * plus newly SACKed bytes) and the RFC 6675 pipe; it returns {@code sndcnt}, the bytes that may
 * be sent in response (the engine may set {@code cwnd = pipe + sndcnt} as Linux does); report
 * every transmission or retransmission during recovery with {@link #onSent}. At the end of
 * recovery the congestion control sets {@code cwnd = ssthresh} (RFC 6937 section 3.1).
 */
public final class ProportionalRateReduction {
    private long recoverFs;
    private long prrDelivered;
    private long prrOut;
    private boolean conservative;

    /** Slow-start reduction bound (PRR-SSRB, the RFC's recommended default and Linux's). */
    public ProportionalRateReduction() {
        this(false);
    }

    /** @param conservative use the conservative reduction bound (PRR-CRB) instead of PRR-SSRB */
    public ProportionalRateReduction(boolean conservative) {
        this.conservative = conservative;
    }

    /** Recovery begins with {@code recoverFs} bytes outstanding. */
    public void enter(int recoverFs) {
        this.recoverFs = Math.max(1, recoverFs);
        prrDelivered = 0;
        prrOut = 0;
    }

    /**
     * An ACK during recovery (RFC 6937 section 3.1).
     *
     * @param deliveredBytes bytes newly delivered: SND.UNA advance plus newly SACKed bytes
     * @param pipe           RFC 6675 pipe after this ACK was processed
     * @param ssthresh       the congestion control's ssthresh
     * @param mss            the sender MSS
     * @return sndcnt: bytes that may be sent now (0 or more)
     */
    public int onAck(int deliveredBytes, int pipe, int ssthresh, int mss) {
        prrDelivered += Math.max(0, deliveredBytes);
        long sndcnt;
        if (pipe > ssthresh) {
            // Proportional part: send ssthresh/RecoverFS of what was delivered, rounded up to
            // whole segments as Linux does (it counts in packets), so the first ACK of recovery
            // always permits the fast retransmit.
            long target = ceilDiv(prrDelivered * ssthresh, recoverFs);
            sndcnt = ceilDiv(target, Math.max(1, mss)) * Math.max(1, mss) - prrOut;
        } else {
            long limit = conservative
                    ? prrDelivered - prrOut
                    : Math.max(prrDelivered - prrOut, deliveredBytes) + mss;
            sndcnt = Math.min((long) ssthresh - pipe, limit);
        }
        return (int) Math.max(0, Math.min(sndcnt, Integer.MAX_VALUE));
    }

    /** Bytes (re)transmitted during recovery. */
    public void onSent(int bytes) {
        prrOut += Math.max(0, bytes);
    }

    public long prrDelivered() {
        return prrDelivered;
    }

    public long prrOut() {
        return prrOut;
    }

    public long recoverFs() {
        return recoverFs;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
