package org.alpenstack.kernel.tcp.cc;

/**
 * What RFC 5681 algorithms share: slow start with appropriate byte counting, the recovery
 * bookkeeping, the RTO reaction and MSS rescaling. Subclasses choose the multiplicative decrease
 * ({@link #reducedSsthresh}) and the congestion-avoidance growth ({@link #congestionAvoidance}).
 */
public abstract class WindowedCongestionControl implements CongestionControl {
    /**
     * RFC 3465 section 2.3: in slow start an ACK may grow cwnd by at most L*SMSS bytes, L = 2, so a
     * stretch ACK (delayed ACK, ACK thinning) cannot cause a large burst.
     */
    static final int ABC_LIMIT_SEGMENTS = 2;

    protected int mss;
    protected int cwnd;
    protected int ssthresh = Integer.MAX_VALUE;
    protected boolean inRecovery;

    @Override
    public void init(int mss, long now) {
        if (mss <= 0) {
            throw new IllegalArgumentException("mss must be positive: " + mss);
        }
        this.mss = mss;
        this.cwnd = CongestionControl.initialWindow(mss);
        this.ssthresh = Integer.MAX_VALUE;
        this.inRecovery = false;
    }

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    /** The sender MSS the window is counted in. */
    public int mss() {
        return mss;
    }

    /** True between {@link #onEnterRecovery} and {@link #onExitRecovery}. */
    public boolean inRecovery() {
        return inRecovery;
    }

    @Override
    public boolean inSlowStart() {
        return cwnd < ssthresh;
    }

    @Override
    public void onAck(int ackedBytes, long rttNanos, int bytesInFlight, long now) {
        if (ackedBytes <= 0 || inRecovery) {
            return;
        }
        onRttSample(rttNanos, now);
        // RFC 7661 / RFC 9438 section 4.6: a window the sender does not use is not evidence the
        // network can carry it; growing it anyway leads to line-rate bursts later (Linux: tcp_is_cwnd_limited).
        if ((long) bytesInFlight * 2 < cwnd) {
            return;
        }
        if (cwnd < ssthresh) {
            int increase = Math.min(ackedBytes, ABC_LIMIT_SEGMENTS * mss);
            int room = ssthresh - cwnd;
            if (increase < room) {
                cwnd += increase;
                return;
            }
            // Slow start reaches ssthresh within this ACK: the rest of it counts towards
            // congestion avoidance, as Linux's tcp_slow_start returns the leftover.
            cwnd = ssthresh;
            ackedBytes -= room;
            onSlowStartExit(now);
            if (ackedBytes <= 0) {
                return;
            }
        }
        congestionAvoidance(ackedBytes, bytesInFlight, now);
    }

    /** A valid RTT sample (or -1): for algorithms that need the RTT (CUBIC). */
    protected void onRttSample(long rttNanos, long now) {
    }

    /** cwnd has just reached ssthresh during slow start. */
    protected void onSlowStartExit(long now) {
    }

    /** Growth in congestion avoidance for {@code ackedBytes} newly acknowledged bytes. */
    protected abstract void congestionAvoidance(int ackedBytes, int bytesInFlight, long now);

    /** The new ssthresh after a congestion event with this flight (multiplicative decrease). */
    protected abstract int reducedSsthresh(int bytesInFlight);

    /** A congestion event (loss, RTO or ECE) happened; called before ssthresh/cwnd change. */
    protected void onCongestionEvent(long now) {
    }

    @Override
    public void onEnterRecovery(int bytesInFlight, long now) {
        onCongestionEvent(now);
        ssthresh = reducedSsthresh(bytesInFlight);
        cwnd = ssthresh;
        inRecovery = true;
    }

    @Override
    public void onDupAckInRecovery() {
        if (inRecovery) {
            cwnd = saturatingAdd(cwnd, mss);
        }
    }

    @Override
    public void onPartialAck(int ackedBytes) {
        if (!inRecovery || ackedBytes <= 0) {
            return;
        }
        int deflated = cwnd - ackedBytes;
        if (ackedBytes >= mss) {
            deflated += mss;
        }
        cwnd = Math.max(deflated, mss);
    }

    @Override
    public void onExitRecovery(long now) {
        if (!inRecovery) {
            return;
        }
        inRecovery = false;
        cwnd = Math.max(ssthresh, mss);
    }

    @Override
    public void onRetransmitTimeout(int bytesInFlight, long now) {
        onCongestionEvent(now);
        ssthresh = reducedSsthresh(bytesInFlight);
        // RFC 5681 section 3.1: "the loss window (LW) is one full-sized segment".
        cwnd = mss;
        inRecovery = false;
    }

    @Override
    public void onEcnCongestion(int bytesInFlight, long now) {
        onCongestionEvent(now);
        ssthresh = reducedSsthresh(bytesInFlight);
        cwnd = ssthresh;
    }

    @Override
    public void onIdleRestart(long now) {
        cwnd = Math.min(cwnd, CongestionControl.initialWindow(mss));
    }

    @Override
    public void onMssChange(int newMss) {
        if (newMss <= 0) {
            throw new IllegalArgumentException("mss must be positive: " + newMss);
        }
        if (newMss == mss) {
            return;
        }
        cwnd = (int) Math.max(newMss, Math.min(Integer.MAX_VALUE, (long) cwnd * newMss / mss));
        if (ssthresh != Integer.MAX_VALUE) {
            ssthresh = (int) Math.max(2L * newMss, Math.min(Integer.MAX_VALUE - 1, (long) ssthresh * newMss / mss));
        }
        mss = newMss;
    }

    static int saturatingAdd(int a, int b) {
        long s = (long) a + b;
        return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
    }

    @Override
    public String toString() {
        return name() + "{cwnd=" + cwnd + ", ssthresh=" + (ssthresh == Integer.MAX_VALUE ? "inf" : ssthresh)
                + ", mss=" + mss + (inRecovery ? ", recovery" : "") + "}";
    }
}
