package org.alpenstack.kernel.tcp.cc;

/**
 * NewReno: RFC 5681 slow start and congestion avoidance with RFC 3465 appropriate byte counting
 * (L = 2), RFC 6582 recovery, RFC 6928 initial window.
 */
public final class NewReno extends WindowedCongestionControl {
    public static final String NAME = "newreno";

    /** Bytes acknowledged since cwnd last grew in congestion avoidance (RFC 3465 "bytes_acked"). */
    private int bytesAcked;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(int mss, long now) {
        super.init(mss, now);
        bytesAcked = 0;
    }

    /**
     * RFC 3465 section 2.1: once a whole cwnd worth of bytes has been acknowledged, cwnd grows by
     * one SMSS, so the window grows by one segment per RTT however the receiver delays its ACKs.
     */
    @Override
    protected void congestionAvoidance(int ackedBytes, int bytesInFlight, long now) {
        bytesAcked = saturatingAdd(bytesAcked, ackedBytes);
        while (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd = saturatingAdd(cwnd, mss);
        }
    }

    /** RFC 5681 equation (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
    @Override
    protected int reducedSsthresh(int bytesInFlight) {
        return Math.max(bytesInFlight / 2, 2 * mss);
    }

    @Override
    protected void onCongestionEvent(long now) {
        bytesAcked = 0;
    }
}
