package org.alpenstack.kernel.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NewRenoTest {
    static final int MSS = 1000;
    static final long RTT = 50_000_000L;

    private static NewReno started(int mss) {
        NewReno cc = new NewReno();
        cc.init(mss, 0);
        return cc;
    }

    @Test
    void initialWindowFollowsRfc6928() {
        assertEquals(14600, started(1460).cwnd());
        assertEquals(5360, started(536).cwnd(), "10 * 536 is below 14600");
        assertEquals(18000, started(9000).cwnd(), "2 * 9000 is above 14600");
        assertEquals(10000, started(1000).cwnd(), "min(10 * 1000, 14600)");
    }

    @Test
    void slowStartDoublesEveryRoundTrip() {
        NewReno cc = started(MSS);
        assertEquals(Integer.MAX_VALUE, cc.ssthresh());
        AckClock clock = new AckClock(cc, MSS, RTT, 0);
        int w = cc.cwnd();
        for (int i = 0; i < 5; i++) {
            assertTrue(cc.inSlowStart());
            int next = clock.round();
            assertEquals(2 * w, next, "round " + i);
            w = next;
        }
    }

    @Test
    void slowStartWithDelayedAcksStillDoubles() {
        NewReno cc = started(MSS);
        AckClock clock = new AckClock(cc, MSS, RTT, 0);
        int w = cc.cwnd();
        assertEquals(2 * w, clock.round(2), "L = 2 lets an ACK of two segments grow cwnd by two segments");
    }

    @Test
    void appropriateByteCountingCapsAStretchAckAtTwoSegments() {
        NewReno cc = started(MSS);
        int w = cc.cwnd();
        cc.onAck(8 * MSS, -1, w, 1);
        assertEquals(w + 2 * MSS, cc.cwnd());
    }

    @Test
    void congestionAvoidanceAddsOneSegmentPerRoundTrip() {
        NewReno cc = started(MSS);
        cc.onEnterRecovery(40 * MSS, 0);
        cc.onExitRecovery(1);
        assertEquals(20 * MSS, cc.cwnd());
        assertFalse(cc.inSlowStart());
        AckClock clock = new AckClock(cc, MSS, RTT, 1);
        for (int i = 1; i <= 6; i++) {
            assertEquals((20 + i) * MSS, clock.round(), "round " + i);
        }
        // Delayed ACKs: half as many ACKs, same growth (RFC 3465 counts bytes, not ACKs).
        assertEquals(27 * MSS, clock.round(2));
    }

    @Test
    void slowStartStopsAtSsthreshAndCarriesTheRestIntoCongestionAvoidance() {
        NewReno cc = started(MSS);
        cc.onEcnCongestion(24 * MSS, 0); // ssthresh = cwnd = 12 segments
        cc.onRetransmitTimeout(24 * MSS, 1); // cwnd = 1, ssthresh = 12
        assertEquals(MSS, cc.cwnd());
        assertEquals(12 * MSS, cc.ssthresh());
        AckClock clock = new AckClock(cc, MSS, RTT, 2);
        assertEquals(2 * MSS, clock.round());
        assertEquals(4 * MSS, clock.round());
        assertEquals(8 * MSS, clock.round());
        assertEquals(12 * MSS, clock.round(), "capped at ssthresh, 4 leftover bytes-acked short of a cwnd");
        assertFalse(cc.inSlowStart());
        assertEquals(13 * MSS, clock.round());
    }

    @Test
    void applicationLimitedSenderDoesNotGrowTheWindow() {
        NewReno cc = started(MSS);
        int w = cc.cwnd();
        for (int i = 0; i < 100; i++) {
            cc.onAck(MSS, RTT, 2 * MSS, i);
        }
        assertEquals(w, cc.cwnd());
    }

    @Test
    void fastRecoveryHalvesTheFlight() {
        NewReno cc = started(MSS);
        cc.onEnterRecovery(30 * MSS, 0);
        assertEquals(15 * MSS, cc.ssthresh());
        assertEquals(15 * MSS, cc.cwnd(), "RFC 6675: cwnd = ssthresh, transmission limited by pipe");
        assertTrue(cc.inRecovery());
        int before = cc.cwnd();
        cc.onAck(MSS, RTT, 30 * MSS, 1);
        assertEquals(before, cc.cwnd(), "no growth during recovery");
        cc.onExitRecovery(2);
        assertFalse(cc.inRecovery());
        assertEquals(15 * MSS, cc.cwnd());
    }

    @Test
    void ssthreshNeverBelowTwoSegments() {
        NewReno cc = started(MSS);
        cc.onEnterRecovery(MSS, 0);
        assertEquals(2 * MSS, cc.ssthresh());
    }

    @Test
    void nonSackRecoveryInflatesAndDeflatesPerRfc6582() {
        NewReno cc = started(MSS);
        cc.onEnterRecovery(20 * MSS, 0);
        for (int i = 0; i < 3; i++) {
            cc.onDupAckInRecovery();
        }
        assertEquals(10 * MSS + 3 * MSS, cc.cwnd(), "RFC 5681: ssthresh + 3*SMSS");
        cc.onDupAckInRecovery();
        assertEquals(14 * MSS, cc.cwnd());
        cc.onPartialAck(4 * MSS);
        assertEquals(14 * MSS - 4 * MSS + MSS, cc.cwnd(), "deflate by the amount acked, add back one SMSS");
        cc.onPartialAck(MSS / 2);
        assertEquals(11 * MSS - MSS / 2, cc.cwnd(), "less than one SMSS acked: nothing added back");
        cc.onExitRecovery(1);
        assertEquals(10 * MSS, cc.cwnd());
    }

    @Test
    void retransmitTimeoutCollapsesToOneSegment() {
        NewReno cc = started(MSS);
        new AckClock(cc, MSS, RTT, 0).round();
        cc.onRetransmitTimeout(20 * MSS, 1);
        assertEquals(MSS, cc.cwnd(), "RFC 5681 3.1: loss window is one segment");
        assertEquals(10 * MSS, cc.ssthresh(), "max(FlightSize/2, 2*SMSS)");
        assertTrue(cc.inSlowStart());
        cc.onRetransmitTimeout(3 * MSS, 2);
        assertEquals(2 * MSS, cc.ssthresh());
    }

    @Test
    void ecnEchoReducesLikeALossWithoutRecovery() {
        NewReno cc = started(MSS);
        cc.onEcnCongestion(10 * MSS, 0);
        assertEquals(5 * MSS, cc.ssthresh());
        assertEquals(5 * MSS, cc.cwnd());
        assertFalse(cc.inRecovery());
    }

    @Test
    void idleRestartReturnsToTheInitialWindow() {
        NewReno cc = started(MSS);
        AckClock clock = new AckClock(cc, MSS, RTT, 0);
        clock.round();
        clock.round();
        assertEquals(40 * MSS, cc.cwnd());
        cc.onIdleRestart(clock.now + 5_000_000_000L);
        assertEquals(10 * MSS, cc.cwnd());
    }

    @Test
    void mssChangeKeepsTheWindowInSegments() {
        NewReno cc = started(1460);
        cc.onEnterRecovery(40 * 1460, 0);
        cc.onMssChange(1000);
        assertEquals(20 * 1000, cc.cwnd());
        assertEquals(20 * 1000, cc.ssthresh());
        assertEquals(1000, cc.mss());
    }
}
