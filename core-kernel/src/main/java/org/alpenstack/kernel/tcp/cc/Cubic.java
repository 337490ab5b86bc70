package org.alpenstack.kernel.tcp.cc;

/**
 * CUBIC (RFC 9438), Linux's and FreeBSD's default. Windows in the RFC's formulas are counted in
 * segments; this class keeps cwnd in bytes and converts with the current SMSS. Time comes only
 * from the {@code now} arguments. HyStart is not implemented: slow start ends at ssthresh or on
 * the first congestion event, as RFC 5681 specifies.
 *
 * <p>Per congestion-avoidance epoch (RFC 9438 section 4.2):
 * {@code W_cubic(t) = C*(t - K)^3 + W_max}, {@code K = cbrt((W_max - cwnd_epoch) / C)}, where
 * t is the time since the epoch began and cwnd_epoch the window at that moment. Each ACK moves cwnd
 * towards {@code target = W_cubic(t + RTT)}, clamped to {@code [cwnd, 1.5*cwnd]}, by
 * {@code (target - cwnd)/cwnd} segments per acknowledged segment; where the Reno estimate
 * W_est is larger, cwnd follows W_est instead (the Reno-friendly region, section 4.3).
 */
public final class Cubic extends WindowedCongestionControl {
    public static final String NAME = "cubic";

    /** RFC 9438 section 5: C = 0.4 (segments / second^3). */
    public static final double C = 0.4;
    /** RFC 9438 section 4.6: multiplicative decrease factor. */
    public static final double BETA = 0.7;
    /** RFC 9438 section 4.3: the Reno-friendly additive increase, 3*(1-beta)/(1+beta). */
    static final double ALPHA_RENO_FRIENDLY = 3.0 * (1.0 - BETA) / (1.0 + BETA);

    private static final long NO_EPOCH = Long.MIN_VALUE;
    private static final double NANOS_PER_SECOND = 1e9;

    private final boolean fastConvergence;

    /** W_max in segments, 0 when undefined (before the first congestion event and after an RTO). */
    private double wMax;
    /** cwnd (segments) at the last congestion event, for the alpha switch of section 4.3. */
    private double cwndPrior;
    private long epochStart = NO_EPOCH;
    /** K in seconds for the current epoch. */
    private double k;
    /** W_est in segments (section 4.3). */
    private double wEst;
    /** cwnd in bytes with its fraction, so that growth of less than a byte per ACK is not lost. */
    private double cwndExact;
    /** Smoothed RTT (RFC 6298 gains), the RTT of the target formula; 0 before the first sample. */
    private long srttNanos;

    public Cubic() {
        this(true);
    }

    /** @param fastConvergence RFC 9438 section 4.7 (on by default, as in Linux and FreeBSD) */
    public Cubic(boolean fastConvergence) {
        this.fastConvergence = fastConvergence;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(int mss, long now) {
        super.init(mss, now);
        wMax = 0;
        cwndPrior = 0;
        epochStart = NO_EPOCH;
        k = 0;
        wEst = 0;
        cwndExact = cwnd;
        srttNanos = 0;
    }

    @Override
    protected void onRttSample(long rttNanos, long now) {
        if (rttNanos < 0) {
            return;
        }
        srttNanos = srttNanos == 0 ? Math.max(rttNanos, 1) : srttNanos + (rttNanos - srttNanos) / 8;
    }

    @Override
    protected void congestionAvoidance(int ackedBytes, int bytesInFlight, long now) {
        if ((long) cwndExact != cwnd) {
            cwndExact = cwnd; // changed by the shared code (slow start, recovery): resynchronise
        }
        if (epochStart == NO_EPOCH) {
            beginEpoch(now);
        }
        double cwndSeg = cwndExact / mss;
        double ackedSeg = (double) ackedBytes / mss;

        // Section 4.3: W_est grows like Reno with alpha_cubic, then alpha = 1 once past cwnd_prior.
        double alpha = wEst >= cwndPrior ? 1.0 : ALPHA_RENO_FRIENDLY;
        wEst += alpha * ackedSeg / cwndSeg;

        double t = (now - epochStart) / NANOS_PER_SECOND;
        double next;
        if (wCubic(t) < wEst) {
            next = Math.max(cwndSeg, wEst);
        } else {
            // Section 4.4 / 4.5: the concave and convex regions.
            double target = wCubic(t + srttNanos / NANOS_PER_SECOND);
            target = Math.max(cwndSeg, Math.min(target, 1.5 * cwndSeg));
            next = cwndSeg + (target - cwndSeg) / cwndSeg * ackedSeg;
        }
        cwndExact = Math.min(next * mss, Integer.MAX_VALUE);
        cwnd = (int) cwndExact;
    }

    private void beginEpoch(long now) {
        epochStart = now;
        double cwndEpoch = cwndExact / mss;
        if (wMax <= cwndEpoch) {
            // First epoch, or after an RTO (section 4.8): W_max is the window at the start of
            // congestion avoidance and K = 0, so the curve starts on its plateau.
            wMax = cwndEpoch;
            k = 0;
        } else {
            k = Math.cbrt((wMax - cwndEpoch) / C);
        }
        wEst = cwndEpoch;
    }

    /** RFC 9438 equation (1), in segments, for t seconds into the epoch. */
    double wCubic(double t) {
        double d = t - k;
        return C * d * d * d + wMax;
    }

    /** Section 4.6: ssthresh = flight_size * beta_cubic, at least 2 segments. */
    @Override
    protected int reducedSsthresh(int bytesInFlight) {
        return (int) Math.max(bytesInFlight * BETA, 2.0 * mss);
    }

    @Override
    protected void onCongestionEvent(long now) {
        double cwndSeg = (double) cwnd / mss;
        // Section 4.7 fast convergence: a flow whose W_max keeps shrinking releases bandwidth.
        if (fastConvergence && cwndSeg < wMax) {
            wMax = cwndSeg * (1.0 + BETA) / 2.0;
        } else {
            wMax = cwndSeg;
        }
        cwndPrior = cwndSeg;
        epochStart = NO_EPOCH;
    }

    @Override
    public void onRetransmitTimeout(int bytesInFlight, long now) {
        super.onRetransmitTimeout(bytesInFlight, now);
        // Section 4.8: in the first congestion avoidance after a timeout, K = 0 and W_max is the
        // window at the beginning of that congestion avoidance.
        wMax = 0;
        cwndExact = cwnd;
    }

    @Override
    public void onEnterRecovery(int bytesInFlight, long now) {
        super.onEnterRecovery(bytesInFlight, now);
        cwndExact = cwnd;
    }

    @Override
    public void onIdleRestart(long now) {
        super.onIdleRestart(now);
        // Linux (bictcp_cwnd_event on CA_EVENT_TX_START): time spent idle must not count as
        // growth time, or the first ACK after idle would jump far up the curve.
        epochStart = NO_EPOCH;
        cwndExact = cwnd;
    }

    @Override
    public void onMssChange(int newMss) {
        super.onMssChange(newMss);
        cwndExact = cwnd;
    }

    /** W_max in segments (0 if undefined); for tests and diagnostics. */
    double wMax() {
        return wMax;
    }

    /** K in seconds of the current epoch; for tests and diagnostics. */
    double k() {
        return k;
    }

    /** W_est in segments; for tests and diagnostics. */
    double wEst() {
        return wEst;
    }
}
