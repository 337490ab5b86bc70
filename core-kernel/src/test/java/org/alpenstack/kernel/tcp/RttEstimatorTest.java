package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** RFC 6298 exactly: min RTO 1 s, G = 1 ms. */
    private static RttEstimator rfc() {
        return new RttEstimator(S, S, 60 * S, MS);
    }

    @Test
    void initialRtoIsOneSecond() {
        RttEstimator e = new RttEstimator();
        assertFalse(e.hasSample());
        assertEquals(S, e.rto(), "RFC 6298 2.1");
    }

    @Test
    void firstSampleSetsSrttAndHalfVariance() {
        RttEstimator e = rfc();
        e.addSample(400 * MS);
        assertEquals(400 * MS, e.srtt());
        assertEquals(200 * MS, e.rttvar());
        assertEquals(1200 * MS, e.rto(), "SRTT + 4*RTTVAR = 3R");
    }

    @Test
    void laterSamplesUseOneEighthAndOneQuarterGains() {
        RttEstimator e = rfc();
        e.addSample(400 * MS);
        e.addSample(200 * MS);
        // RTTVAR = 3/4 * 200 + 1/4 * |400 - 200| = 200; SRTT = 7/8 * 400 + 1/8 * 200 = 375
        assertEquals(200 * MS, e.rttvar());
        assertEquals(375 * MS, e.srtt());
        assertEquals(1175 * MS, e.rto());
        e.addSample(375 * MS);
        assertEquals(150 * MS, e.rttvar(), "RTTVAR uses the SRTT before this sample");
        assertEquals(375 * MS, e.srtt());
    }

    @Test
    void minimumRtoAppliesToFastPathsLinuxDefault200ms() {
        RttEstimator e = new RttEstimator();
        e.addSample(2 * MS);
        assertEquals(200 * MS, e.rto());
        RttEstimator r = rfc();
        r.addSample(2 * MS);
        assertEquals(S, r.rto(), "RFC 6298 2.4: one second");
    }

    @Test
    void granularityBoundsTheVarianceTerm() {
        RttEstimator e = new RttEstimator(S, 1, 60 * S, 10 * MS);
        for (int i = 0; i < 50; i++) {
            e.addSample(100 * MS);
        }
        assertTrue(e.rttvar() < 10 * MS / 4);
        assertEquals(e.srtt() + 10 * MS, e.rto(), "RTO = SRTT + max(G, 4*RTTVAR)");
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        RttEstimator e = new RttEstimator();
        e.addSample(100 * MS); // RTO = 300 ms
        assertEquals(300 * MS, e.rto());
        assertEquals(600 * MS, e.backoff());
        assertEquals(1200 * MS, e.backoff());
        for (int i = 0; i < 20; i++) {
            e.backoff();
        }
        assertEquals(120 * S, e.rto(), "capped at 120 s like Linux TCP_RTO_MAX");
        assertEquals(22, e.backoffs());
        for (int i = 0; i < 100; i++) {
            e.backoff();
        }
        assertEquals(120 * S, e.rto(), "no overflow however long it backs off");
        e.addSample(100 * MS);
        assertEquals(0, e.backoffs(), "a new sample recomputes the RTO (RFC 6298 5.7 note)");
        assertTrue(e.rto() < S);
    }

    @Test
    void backoffWithoutSampleStartsFromTheInitialRto() {
        RttEstimator e = new RttEstimator();
        assertEquals(2 * S, e.backoff());
        assertEquals(4 * S, e.backoff());
        e.resetBackoff();
        assertEquals(S, e.rto());
    }

    @Test
    void handshakeRetransmitFallsBackToThreeSeconds() {
        RttEstimator e = new RttEstimator();
        e.backoff();
        e.fallbackAfterHandshakeRetransmit();
        assertEquals(3 * S, e.rto());
        e.addSample(50 * MS);
        assertEquals(200 * MS, e.rto());
        e.fallbackAfterHandshakeRetransmit();
        assertEquals(200 * MS, e.rto(), "a sample exists: nothing to fall back from");
    }

    @Test
    void tracksMinimumRttAndResets() {
        RttEstimator e = new RttEstimator();
        e.addSample(30 * MS);
        e.addSample(10 * MS);
        e.addSample(20 * MS);
        assertEquals(10 * MS, e.minRtt());
        e.reset();
        assertFalse(e.hasSample());
        assertEquals(Long.MAX_VALUE, e.minRtt());
        assertEquals(S, e.rto());
    }

    @Test
    void rejectsInconsistentBounds() {
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(S, 2 * S, S, MS));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(0, MS, S, MS));
    }
}
