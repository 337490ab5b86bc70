package org.alpenstack.kernel.tcp.cc;

/**
 * A pluggable congestion-control algorithm, in the spirit of FreeBSD's cc(4) and Linux's
 * {@code tcp_congestion_ops}: the connection engine reports events, the algorithm owns
 * {@code cwnd} and {@code ssthresh} (both in bytes). One instance per connection; not thread-safe.
 *
 * <p>The division of labour with the engine:
 * <ul>
 *   <li>The engine decides WHEN an event happened (RFC 5681 section 3.2 / RFC 6675 section 5 loss
 *       detection, RFC 6298 timer expiry, RFC 3168 ECE) and reports it exactly once per window
 *       of data; the algorithm decides HOW MUCH the window changes.</li>
 *   <li>{@code bytesInFlight} everywhere is the FlightSize of RFC 5681 (SND.NXT - SND.UNA, or the
 *       RFC 6675 "pipe" with SACK) <em>as the event happened</em>: for {@link #onAck} that is the
 *       flight before this ACK was applied, so it still includes {@code ackedBytes}. The algorithm
 *       uses it to stop growing while the sender is application-limited (RFC 7661 spirit: the
 *       window grows only if the flight was at least half of cwnd) and to compute ssthresh.</li>
 *   <li>{@code rttNanos} is an RTT sample taken under Karn's rule (RFC 6298 section 3), or -1 if this
 *       ACK gave none.</li>
 *   <li>All times are the stack's {@code now}, in nanoseconds; algorithms never read a clock.</li>
 * </ul>
 *
 * <p>During fast recovery the engine limits transmission with the RFC 6675 pipe
 * ({@code pipe < cwnd}). {@link #onEnterRecovery} sets {@code cwnd = ssthresh} as RFC 6675 section 5
 * step (4.2) does. An engine that has no SACK information (RFC 6582 NewReno) calls
 * {@link #onDupAckInRecovery()} for each duplicate ACK, including the DupThresh ones that
 * triggered recovery, which gives the RFC 5681 section 3.2 "ssthresh + 3*SMSS" inflation, and
 * {@link #onPartialAck(int)} for partial ACKs (RFC 6582 section 3.2 step 5).
 */
public interface CongestionControl {

    /** The name this algorithm is registered under ("cubic", "newreno"), as Linux's tcp_congestion_control. */
    String name();

    /**
     * (Re)starts the algorithm for a connection whose sender MSS is {@code mss}: cwnd becomes the
     * initial window (RFC 6928: {@code min(10*MSS, max(2*MSS, 14600))}), ssthresh "arbitrarily high"
     * (RFC 5681 section 3.1).
     */
    void init(int mss, long now);

    /** The congestion window in bytes. */
    int cwnd();

    /** The slow-start threshold in bytes ({@link Integer#MAX_VALUE} until the first congestion event). */
    int ssthresh();

    /** True while {@code cwnd < ssthresh} (RFC 5681 section 3.1). */
    boolean inSlowStart();

    /**
     * Newly acknowledged data outside loss recovery (SND.UNA advanced by {@code ackedBytes}).
     *
     * @param ackedBytes    bytes newly acknowledged by this ACK, &gt; 0
     * @param rttNanos      an RTT sample valid under Karn's rule, or -1
     * @param bytesInFlight FlightSize when the ACK arrived (including {@code ackedBytes})
     */
    void onAck(int ackedBytes, long rttNanos, int bytesInFlight, long now);

    /**
     * Fast retransmit: loss detected by duplicate ACKs or SACK (RFC 5681 section 3.2 step 2, RFC 6675
     * section 5 step 4). Sets ssthresh from {@code bytesInFlight} and {@code cwnd = ssthresh}.
     * Call once per recovery episode.
     */
    void onEnterRecovery(int bytesInFlight, long now);

    /**
     * A duplicate ACK during recovery without SACK: inflate cwnd by one SMSS (RFC 5681 section 3.2
     * step 4). A SACK engine does not call this: its pipe already accounts for delivered data.
     */
    void onDupAckInRecovery();

    /**
     * A partial ACK during NewReno recovery without SACK (RFC 6582 section 3.2 step 5): deflate cwnd
     * by the amount acknowledged, then add back one SMSS if that amount was at least one SMSS.
     */
    void onPartialAck(int ackedBytes);

    /**
     * Recovery is over (an ACK covered the recovery point, RFC 6582 section 3.2 step 3 / RFC 6675
     * section 5): cwnd is set to ssthresh (RFC 6582's second option) and growth resumes.
     */
    void onExitRecovery(long now);

    /**
     * The retransmission timer expired (RFC 5681 section 3.1 equation 4 and the paragraph after it):
     * ssthresh is reduced from {@code bytesInFlight} (at least 2*SMSS) and cwnd becomes the loss
     * window, 1 SMSS. Call only on the first expiry for a given segment; repeated backed-off
     * expiries of the same segment must not lower ssthresh again (RFC 5681 section 3.1).
     */
    void onRetransmitTimeout(int bytesInFlight, long now);

    /**
     * The peer echoed congestion experienced (RFC 3168 section 6.1.2, ECE): reduce as for a loss
     * (ssthresh and cwnd), but with no retransmission and no recovery. At most once per window.
     */
    void onEcnCongestion(int bytesInFlight, long now);

    /**
     * The connection restarts transmission after an idle period longer than one RTO (RFC 5681
     * section 4.1, Linux tcp_slow_start_after_idle): cwnd is cut to at most the initial window.
     */
    void onIdleRestart(long now);

    /**
     * The sender MSS changed (path MTU discovery, RFC 1191/8201). The window keeps its size in
     * segments, as Linux's packet-counted snd_cwnd does.
     */
    void onMssChange(int mss);

    /** The RFC 6928 initial window for a sender MSS: {@code min(10*MSS, max(2*MSS, 14600))}. */
    static int initialWindow(int mss) {
        return Math.min(10 * mss, Math.max(2 * mss, 14600));
    }
}
