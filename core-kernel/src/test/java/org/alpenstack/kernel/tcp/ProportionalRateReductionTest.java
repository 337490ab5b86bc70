package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProportionalRateReductionTest {
    static final int MSS = 1000;

    /**
     * RFC 6937 section 5's single-loss example: 20 segments in flight, one lost, ssthresh 10
     * (Reno): after the fast retransmit, PRR sends one new segment for every second ACK, so
     * recovery ends with about ssthresh in flight and no burst.
     */
    @Test
    void singleLossSendsHalfAsFastAsAcksArrive() {
        ProportionalRateReduction prr = new ProportionalRateReduction();
        prr.enter(20 * MSS);
        int ssthresh = 10 * MSS;
        int pipe = 19 * MSS; // 20 outstanding, 1 lost; the 3 dupacks' segments already left
        int sentTotal = 0;
        StringBuilder pattern = new StringBuilder();
        for (int ackNo = 1; ackNo <= 19; ackNo++) {
            pipe -= MSS; // each ACK reports one more segment delivered
            int sndcnt = prr.onAck(MSS, pipe, ssthresh, MSS);
            int segs = sndcnt / MSS;
            if (ackNo == 1) {
                assertEquals(1, segs, "the first ACK allows the fast retransmit");
            }
            prr.onSent(segs * MSS);
            pipe += segs * MSS;
            sentTotal += segs;
            pattern.append(segs);
            if (ackNo <= 16) { // pipe above ssthresh: the proportional part
                assertEquals((ackNo * 10 + 19) / 20, sentTotal,
                        "segments sent so far = ceil(delivered * ssthresh / RecoverFS) after ack " + ackNo);
            }
        }
        // Once pipe reaches ssthresh the reduction bound holds it there: one out for one in.
        assertEquals("1010101010101010011", pattern.toString());
        assertEquals(10, sentTotal);
        assertEquals(ssthresh, pipe, "recovery ends with pipe at ssthresh");
    }

    @Test
    void heavyLossUsesTheSlowStartReductionBound() {
        ProportionalRateReduction prr = new ProportionalRateReduction();
        prr.enter(20 * MSS);
        int ssthresh = 10 * MSS;
        // Most of the window was lost: pipe is far below ssthresh.
        int sndcnt = prr.onAck(2 * MSS, 3 * MSS, ssthresh, MSS);
        assertEquals(3 * MSS, sndcnt, "SSRB: delivered + 1 MSS, like slow start");
        prr.onSent(sndcnt);
        sndcnt = prr.onAck(MSS, 6 * MSS, ssthresh, MSS);
        assertEquals(2 * MSS, sndcnt, "max(prr_delivered - prr_out, delivered) + MSS");
        sndcnt = prr.onAck(MSS, 9 * MSS + 500, ssthresh, MSS);
        assertEquals(500, sndcnt, "never past ssthresh");
    }

    @Test
    void conservativeBoundSendsOnlyWhatWasDelivered() {
        ProportionalRateReduction prr = new ProportionalRateReduction(true);
        prr.enter(20 * MSS);
        assertEquals(2 * MSS, prr.onAck(2 * MSS, 3 * MSS, 10 * MSS, MSS));
        prr.onSent(2 * MSS);
        assertEquals(0, prr.onAck(0, 5 * MSS, 10 * MSS, MSS));
    }
}
