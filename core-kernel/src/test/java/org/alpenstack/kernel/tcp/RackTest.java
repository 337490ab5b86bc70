package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 8985 section 6 on the per-segment records of {@link Rack}. */
class RackTest {
    private static final long MS = 1_000_000L;
    private final Rack rack = new Rack();
    private final int[] blocks = new int[8];

    private void ack(int una, long now, int... edges) {
        System.arraycopy(edges, 0, blocks, 0, edges.length);
        rack.onAck(una, blocks, edges.length / 2, false, false, 0, 1 * MS, 100_000, now);
    }

    @Test
    void aSegmentSentBeforeOneDeliveredIsLostOnceRttPlusTheReorderingWindowHasPassed() {
        rack.reset(0);
        rack.onSent(0, 1000, 0);
        rack.onSent(1000, 2000, 1 * MS);
        rack.onSent(2000, 3000, 2 * MS);
        ack(0, 5 * MS, 1000, 2000); // segment 1 delivered: RACK.rtt = 4 ms
        assertEquals(1 * MS, rack.detectLoss(2 * MS, 5 * MS), "segment 0 is due at 0 + 4 + 2 ms");
        assertFalse(rack.hasLost());
        assertEquals(0, rack.detectLoss(0, 5 * MS), "with no reordering window it is lost now");
        assertTrue(rack.hasLost());
        assertEquals(0, rack.start(rack.firstLost()));
        assertEquals(1000, rack.lostBytes(), "segment 2 was sent after segment 1: not lost");
    }

    @Test
    void aRetransmissionRestampsItsRecordsAndALostRetransmissionIsFoundAgain() {
        rack.reset(0);
        rack.onSent(0, 4000, 0); // one super-segment
        rack.onSent(4000, 5000, 1 * MS);
        rack.onSent(1000, 2000, 2 * MS); // retransmission of its second MSS
        assertEquals(4, rack.records());
        assertEquals(1000, rack.start(1));
        assertEquals(2000, rack.start(2));
        rack.onSent(5000, 6000, 3 * MS);
        ack(0, 8 * MS, 5000, 6000); // sent after the retransmission, delivered 5 ms later
        assertEquals(0, rack.detectLoss(0, 8 * MS));
        assertEquals(5000, rack.lostBytes(), "0-4000 (the retransmitted 1000-2000 too) and 4000-5000");
        rack.onSent(0, 1000, 9 * MS); // part of a lost record resent: the rest stays lost
        assertEquals(4000, rack.lostBytes());
        assertEquals(1000, rack.start(rack.firstLost()));
        ack(2000, 10 * MS);
        assertEquals(3000, rack.lostBytes(), "what the cumulative ACK covered is no longer lost");
    }

    @Test
    void anOriginalDeliveredBelowTheHighestDeliveredMeansReordering() {
        rack.reset(0);
        rack.onSent(0, 1000, 0);
        rack.onSent(1000, 2000, 0);
        ack(0, 1 * MS, 1000, 2000);
        assertEquals(0, rack.reorderingWindow(false, 3, 3, 4 * MS, 10 * MS), "RFC 8985 6.2 step 4: DupThresh SACKed, no reordering seen");
        // (the second segment, stamped a nanosecond after the first as it left in the same instant)
        assertEquals((MS - 1) / 4, rack.reorderingWindow(false, 1, 3, 4 * MS, 10 * MS),
                "min_RTT / 4, min_RTT from the records' own times (1 ms), not the connection's estimate");
        ack(2000, 1 * MS); // segment 0 (never retransmitted) arrives after 1
        assertTrue(rack.reorderingSeen());
        assertEquals((MS - 1) / 4, rack.reorderingWindow(true, 3, 3, 4 * MS, 10 * MS), "then even in recovery");
    }

    @Test
    void aDsackWidensTheReorderingWindowOncePerRoundTrip() {
        rack.reset(0);
        rack.onSent(0, 1000, 0);
        rack.onSent(1000, 2000, 0);
        ack(0, 1 * MS, 1000, 2000);
        ack(2000, 1 * MS);
        long base = rack.reorderingWindow(false, 0, 3, 4 * MS, 100 * MS);
        blocks[0] = 0;
        blocks[1] = 1000;
        rack.onSent(2000, 3000, 2 * MS);
        rack.onAck(2000, blocks, 1, true, false, 0, MS, 3000, 2 * MS);
        rack.onAck(2000, blocks, 1, true, false, 0, MS, 3000, 2 * MS);
        assertEquals(2 * base, rack.reorderingWindow(false, 0, 3, 4 * MS, 100 * MS), "one step for the round trip");
        rack.onAck(3000, blocks, 1, true, false, 0, MS, 3000, 3 * MS);
        assertEquals(3 * base, rack.reorderingWindow(false, 0, 3, 4 * MS, 100 * MS), "and one for the next");
    }

    @Test
    void anAmbiguousAckOfARetransmissionDoesNotMoveRack() {
        rack.reset(0);
        rack.onSent(0, 1000, 0);
        rack.onSent(1000, 2000, 10 * MS);
        rack.onSent(0, 1000, 20 * MS); // retransmitted
        // the echo is older than the retransmission: the original was delivered, not the retransmission
        System.arraycopy(new int[] {0, 1000}, 0, blocks, 0, 2);
        rack.onAck(0, blocks, 1, false, true, 5, 1 * MS, 2000, 21 * MS);
        assertEquals(0, rack.detectLoss(0, 21 * MS));
        assertFalse(rack.hasLost(), "RACK.segment is unknown: segment 1 (sent at 10 ms) must not be called lost");
    }
}
