package org.alpenstack.kernel.tcp.cc;

/**
 * A saturated sender seen from its congestion control: every round trip, each segment sent in
 * the previous round is acknowledged, ACKs spread evenly over the RTT, the flight always full.
 */
final class AckClock {
    final CongestionControl cc;
    final int mss;
    final long rtt;
    long now;

    AckClock(CongestionControl cc, int mss, long rtt, long start) {
        this.cc = cc;
        this.mss = mss;
        this.rtt = rtt;
        this.now = start;
    }

    /** One round trip with one ACK per {@code segmentsPerAck} segments; returns cwnd at its end. */
    int round(int segmentsPerAck) {
        int segments = cc.cwnd() / mss;
        int acks = Math.max(1, segments / segmentsPerAck);
        long step = rtt / acks;
        for (int i = 0; i < acks; i++) {
            now += step;
            cc.onAck(segmentsPerAck * mss, rtt, Math.max(cc.cwnd(), segmentsPerAck * mss), now);
        }
        now += rtt - step * acks;
        return cc.cwnd();
    }

    int round() {
        return round(1);
    }

    /** Rounds until {@code now >= until}. */
    void runUntil(long until) {
        while (now < until) {
            round();
        }
    }
}
