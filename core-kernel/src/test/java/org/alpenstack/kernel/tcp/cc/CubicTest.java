package org.alpenstack.kernel.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CubicTest {
    static final int MSS = 1000;
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;

    /** A CUBIC sender that reached {@code segments} in slow start and then saw a loss at time 0. */
    private static Cubic afterLossAt(int segments, long rtt) {
        Cubic cc = new Cubic();
        cc.init(MSS, -10 * SECOND);
        AckClock clock = new AckClock(cc, MSS, rtt, -10 * SECOND);
        while (cc.cwnd() < segments * MSS) {
            cc.onAck(MSS, rtt, cc.cwnd(), clock.now += MS);
        }
        assertEquals(segments * MSS, cc.cwnd());
        cc.onEnterRecovery(segments * MSS, 0);
        cc.onExitRecovery(0);
        return cc;
    }

    /** RFC 9438 equation (1) with its own K, for comparison. */
    private static double rfcWCubic(double wMax, double cwndEpoch, double t) {
        double k = Math.cbrt((wMax - cwndEpoch) / 0.4);
        return 0.4 * Math.pow(t - k, 3) + wMax;
    }

    @Test
    void lossSetsWmaxAndReducesByBeta() {
        Cubic cc = afterLossAt(100, 100 * MS);
        assertEquals(70 * MSS, cc.ssthresh(), "ssthresh = 0.7 * flight");
        assertEquals(70 * MSS, cc.cwnd());
        assertEquals(100.0, cc.wMax(), 1e-9);
    }

    @Test
    void kIsTheTimeToRegainWmax() {
        Cubic cc = afterLossAt(100, 100 * MS);
        cc.onAck(MSS, 100 * MS, cc.cwnd(), 1);
        assertEquals(Math.cbrt(30 / 0.4), cc.k(), 1e-9, "K = cbrt((W_max - cwnd_epoch) / C) = cbrt(75)");
        assertEquals(4.2172, cc.k(), 1e-4);
    }

    @Test
    void windowFollowsTheCubicCurve() {
        long rtt = 100 * MS;
        Cubic cc = afterLossAt(100, rtt);
        AckClock clock = new AckClock(cc, MSS, rtt, 0);
        for (double t : new double[] {0.5, 1.0, 2.0, 3.0, 4.2, 5.0, 5.5}) {
            clock.runUntil((long) (t * SECOND));
            double expected = rfcWCubic(100, 70, clock.now / 1e9);
            double actual = cc.cwnd() / (double) MSS;
            // cwnd chases W_cubic(t + RTT) within one round trip; allow for that lag.
            double slack = Math.max(1.0, Math.abs(rfcWCubic(100, 70, clock.now / 1e9 + 0.1) - expected)) + 0.5;
            assertEquals(expected, actual, slack, "at t=" + clock.now / 1e9 + " s");
        }
        assertTrue(cc.cwnd() > 100 * MSS, "past K the window probes above W_max (convex region)");
        // By 7 s (70 RTTs) Reno's estimate (70 + 0.53/RTT up to W_max, then +1/RTT, about 113)
        // is ahead of the curve (108.6): the Reno-friendly region takes over (RFC 9438 4.3).
        clock.runUntil(7 * SECOND);
        assertTrue(cc.cwnd() / (double) MSS > rfcWCubic(100, 70, 7.1), "cwnd " + cc.cwnd());
    }

    @Test
    void plateauAroundWmaxIsFlat() {
        long rtt = 100 * MS;
        Cubic cc = afterLossAt(100, rtt);
        AckClock clock = new AckClock(cc, MSS, rtt, 0);
        clock.runUntil((long) (3.7 * SECOND));
        int before = cc.cwnd();
        clock.runUntil((long) (4.7 * SECOND));
        int growth = cc.cwnd() - before;
        assertTrue(growth <= 2 * MSS, "near K the curve is flat; grew " + growth);
        // NewReno would have grown by 10 segments in these 10 round trips.
    }

    @Test
    void renoFriendlyRegionWinsOnShortRoundTrips() {
        long rtt = 10 * MS;
        Cubic cc = afterLossAt(10, rtt);
        AckClock clock = new AckClock(cc, MSS, rtt, 0);
        clock.runUntil(SECOND);
        double cubicOnly = rfcWCubic(10, 7, 1.0);
        assertTrue(cubicOnly < 10, "the cubic curve alone is still below W_max: " + cubicOnly);
        // W_est: 7 -> 10 at alpha = 3*0.3/1.7 per RTT (about 6 RTTs), then +1 per RTT: ~104 at 100 RTTs.
        double segments = cc.cwnd() / (double) MSS;
        assertEquals(104, segments, 4, "Reno-friendly W_est");
        assertEquals(segments, cc.wEst(), 1.0);
    }

    @Test
    void fastConvergenceLowersWmaxWhenTheWindowShrinks() {
        Cubic cc = afterLossAt(100, 100 * MS);
        AckClock clock = new AckClock(cc, MSS, 100 * MS, 0);
        clock.runUntil(SECOND);
        double w = cc.cwnd() / (double) MSS;
        assertTrue(w < 100);
        cc.onEnterRecovery(cc.cwnd(), clock.now);
        assertEquals(w * (1 + 0.7) / 2, cc.wMax(), 1e-6);

        Cubic plain = new Cubic(false);
        plain.init(MSS, 0);
        plain.onEnterRecovery(50 * MSS, 0);
        plain.onExitRecovery(0);
        plain.onEnterRecovery(35 * MSS, 1);
        assertEquals(35.0, plain.wMax(), 1e-9, "without fast convergence W_max is the window at the loss");
    }

    @Test
    void retransmitTimeoutRestartsFromOneSegmentWithKZero() {
        Cubic cc = afterLossAt(100, 100 * MS);
        cc.onRetransmitTimeout(60 * MSS, SECOND);
        assertEquals(MSS, cc.cwnd());
        assertEquals(42 * MSS, cc.ssthresh(), "ssthresh = 0.7 * FlightSize (RFC 9438 4.8)");
        AckClock clock = new AckClock(cc, MSS, 100 * MS, SECOND);
        while (cc.inSlowStart()) {
            cc.onAck(MSS, 100 * MS, cc.cwnd(), clock.now += MS);
        }
        assertEquals(42 * MSS, cc.cwnd());
        clock.round();
        assertEquals(0.0, cc.k(), 1e-9, "first CA after a timeout: K = 0");
        assertEquals(42.0, cc.wMax(), 1.0, "W_max = cwnd at the beginning of congestion avoidance");
    }

    @Test
    void slowStartDoublesAsInReno() {
        Cubic cc = new Cubic();
        cc.init(MSS, 0);
        AckClock clock = new AckClock(cc, MSS, 100 * MS, 0);
        assertEquals(20 * MSS, clock.round());
        assertEquals(40 * MSS, clock.round());
    }

    @Test
    void registryCreatesByName() {
        assertEquals("cubic", CongestionControls.DEFAULT);
        assertTrue(CongestionControls.create("cubic") instanceof Cubic);
        assertTrue(CongestionControls.create("newreno") instanceof NewReno);
        assertTrue(CongestionControls.createDefault() instanceof Cubic);
        assertTrue(CongestionControls.isAvailable("reno"));
        assertTrue(!CongestionControls.isAvailable("bbr"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CongestionControls.create("bbr"));
        org.junit.jupiter.api.Assertions.assertNotSame(CongestionControls.create("cubic"), CongestionControls.create("cubic"));
    }
}
