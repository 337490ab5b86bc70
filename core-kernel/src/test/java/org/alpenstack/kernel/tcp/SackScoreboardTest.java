package org.alpenstack.kernel.tcp;

import static org.alpenstack.kernel.tcp.SackScoreboard.NEW_DATA;
import static org.alpenstack.kernel.tcp.SackScoreboard.NONE;
import static org.alpenstack.kernel.tcp.SackScoreboard.RESCUE;
import static org.alpenstack.kernel.tcp.SackScoreboard.RETRANSMIT_HOLE;
import static org.alpenstack.kernel.tcp.SackScoreboard.RETRANSMIT_LOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Segments are 100 bytes (SMSS = 100); the first data byte is 1000 unless said otherwise. */
class SackScoreboardTest {
    static final int SMSS = 100;

    private final SackScoreboard sb = new SackScoreboard(SMSS);

    /** Ten segments 1000..2000 in flight. */
    private void tenSegmentsSent() {
        sb.reset(1000);
        sb.setSndMax(2000);
    }

    private int ack(int ack, int... edges) {
        return sb.update(ack, edges, edges.length / 2, sb.sndMax());
    }

    private void expectNext(int rule, int seq, int len, int newData) {
        assertEquals(rule, sb.nextSeg(newData), sb.toString());
        assertEquals(seq, sb.nextSegSeq(), "seq");
        assertEquals(len, sb.nextSegLen(), "len");
    }

    @Test
    void threeDuplicateAcksWithSackEnterRecoveryForTheFirstSegment() {
        tenSegmentsSent();
        assertEquals(100, ack(1000, 1100, 1200));
        assertFalse(sb.shouldEnterRecovery());
        assertEquals(100, ack(1000, 1100, 1300));
        assertFalse(sb.isLost(1000), "two SACKed segments above: exactly 2*SMSS, not more");
        assertFalse(sb.shouldEnterRecovery());
        assertEquals(100, ack(1000, 1100, 1400));
        assertEquals(3, sb.dupAcks());
        assertTrue(sb.isLost(1000), "three segments SACKed above: more than (DupThresh-1)*SMSS");
        assertTrue(sb.shouldEnterRecovery());
        assertEquals(0, ack(1000, 1100, 1400), "a repeated block SACKs nothing new");
        assertEquals(3, sb.dupAcks(), "and is not a duplicate ACK in RFC 6675's sense");
    }

    @Test
    void dupThreshDiscontiguousBlocksMarkLossEvenWithTinySegments() {
        SackScoreboard small = new SackScoreboard(1000);
        small.reset(0);
        small.setSndMax(100);
        small.update(0, new int[] {10, 20, 30, 40}, 2, 100);
        assertFalse(small.isLost(0));
        small.update(0, new int[] {50, 60, 10, 20, 30, 40}, 3, 100);
        assertTrue(small.isLost(0), "three discontiguous SACKed sequences above");
        assertFalse(small.isLost(20), "the hole 20..30 has only two blocks (20 bytes) above");
    }

    @Test
    void nextSegRetransmitsOnlyTheLostHoles() {
        tenSegmentsSent();
        // Segments 1200 and 1500 were lost; everything else arrived.
        ack(1200, 1300, 1500, 1600, 2000);
        assertEquals(600, sb.sackedBytes());
        assertTrue(sb.isLost(1200));
        assertTrue(sb.isLost(1500), "four SACKed segments above it");
        assertFalse(sb.isLost(1300), "SACKed bytes are never lost");
        sb.enterRecovery();
        assertEquals(2000, sb.recoveryPoint());
        assertEquals(0, sb.pipe(), "every unSACKed byte is lost");

        expectNext(RETRANSMIT_LOST, 1200, 100, 0);
        sb.markRetransmitted(1200, 100);
        assertEquals(100, sb.pipe(), "a retransmission is in the network");
        expectNext(RETRANSMIT_LOST, 1500, 100, 0);
        sb.markRetransmitted(1500, 100);
        assertEquals(200, sb.pipe());
        assertEquals(1600, sb.highRxt());

        expectNext(NEW_DATA, 2000, 100, 5000);
        assertEquals(NONE, sb.nextSeg(0), "nothing unSACKed left that was not retransmitted: " + sb);
    }

    @Test
    void holeNotYetLostIsRetransmittedOnlyAfterNewData() {
        tenSegmentsSent();
        ack(1000, 1100, 1400, 1500, 1600);
        // Hole 1000..1100: 400 SACKed bytes above -> lost. Hole 1400..1500: 100 above -> not lost.
        assertTrue(sb.isLost(1000));
        assertFalse(sb.isLost(1400));
        sb.enterRecovery();
        expectNext(RETRANSMIT_LOST, 1000, 100, 0);
        sb.markRetransmitted(1000, 100);
        expectNext(NEW_DATA, 2000, 100, 300);
        sb.setSndMax(2100);
        expectNext(RETRANSMIT_HOLE, 1400, 100, 0);
        sb.markRetransmitted(1400, 100);
        assertEquals(1500, sb.highRxt());
    }

    @Test
    void nextSegNeverCoversSackedBytes() {
        tenSegmentsSent();
        ack(1000, 1050, 1500);
        sb.enterRecovery();
        expectNext(RETRANSMIT_LOST, 1000, 50, 0);
    }

    @Test
    void rescueRetransmitsTheUnsackedTailOncePerRecovery() {
        sb.reset(1000);
        sb.setSndMax(1500);
        ack(1000, 1100, 1200);
        ack(1000, 1100, 1300);
        ack(1000, 1100, 1400);
        assertTrue(sb.shouldEnterRecovery());
        sb.enterRecovery();
        expectNext(RETRANSMIT_LOST, 1000, 100, 0);
        sb.markRetransmitted(1000, 100);
        // 1400..1500 has nothing SACKed above it, so no rule can call it lost: rule (4).
        expectNext(RESCUE, 1400, 100, 0);
        sb.markRescueRetransmitted();
        assertEquals(1500, sb.rescueRxt());
        assertEquals(1100, sb.highRxt(), "HighRxt MUST NOT be updated by a rescue");
        assertEquals(NONE, sb.nextSeg(0));
    }

    @Test
    void rescueTakesTheLastSegmentBelowTheTopBlockWhenItReachesSndMax() {
        sb.reset(1000);
        sb.setSndMax(2000);
        ack(1000, 1900, 2000);
        sb.enterRecovery();
        // Hole 1000..1900 has one block (100 bytes) above: not lost; rule (3) first.
        expectNext(RETRANSMIT_HOLE, 1000, 100, 0);
        sb.markRetransmitted(1000, 800);
        expectNext(RETRANSMIT_HOLE, 1800, 100, 0);
        sb.markRetransmitted(1800, 100);
        assertEquals(NONE, sb.nextSeg(0), "everything below the top block already retransmitted");
    }

    @Test
    void pipeCountsOutstandingNotSackedNotLost() {
        tenSegmentsSent();
        ack(1000, 1100, 1200);
        assertEquals(900, sb.pipe(), "hole 1000..1100 not lost (one block above) + 1200..2000");
        ack(1000, 1300, 1500);
        assertEquals(600, sb.pipe(), "hole 1000..1100 now lost (300 bytes above); hole 1200..1300 + tail 1500..2000 not");
        assertEquals(100, sb.lostBytes());
    }

    @Test
    void cumulativeAckTrimsAndExitsRecovery() {
        tenSegmentsSent();
        ack(1000, 1300, 1500, 1600, 1700);
        sb.enterRecovery();
        ack(1400);
        assertEquals(1400, sb.highAck());
        assertEquals(200, sb.sackedBytes(), "1400..1500 and 1600..1700 remain");
        assertEquals(2, sb.blockCount());
        assertEquals(1400, sb.blockStart(0));
        assertEquals(0, sb.dupAcks(), "SND.UNA advanced");
        ack(2000);
        assertEquals(0, sb.blockCount());
        assertEquals(0, sb.sackedBytes());
        assertTrue(SeqNum.geq(sb.highAck(), sb.recoveryPoint()));
        sb.exitRecovery();
        assertFalse(sb.inRecovery());
    }

    @Test
    void overlappingBlocksMergeAndCountOnlyNewBytes() {
        tenSegmentsSent();
        assertEquals(200, ack(1000, 1100, 1200, 1300, 1400));
        assertEquals(2, sb.blockCount());
        assertEquals(100, ack(1000, 1150, 1350), "only 1200..1300 is new");
        assertEquals(1, sb.blockCount());
        assertEquals(1100, sb.blockStart(0));
        assertEquals(1400, sb.blockEnd(0));
        assertEquals(300, sb.sackedBytes());
        assertEquals(100, ack(1000, 1400, 1500), "an adjacent block joins the interval");
        assertEquals(1, sb.blockCount());
    }

    @Test
    void dsackBelowTheCumulativeAckIsRecognisedAndNotCounted() {
        tenSegmentsSent();
        ack(1500);
        assertEquals(0, ack(1500, 1000, 1100), "D-SACK: duplicate of already acknowledged data");
        assertTrue(sb.lastUpdateHadDsack());
        assertEquals(1000, sb.lastDsackStart());
        assertEquals(1100, sb.lastDsackEnd());
        assertEquals(0, sb.sackedBytes());
        assertEquals(0, sb.dupAcks(), "a D-SACK alone is not a duplicate ACK that SACKs new data");
        assertEquals(1, sb.dsackBlocksReceived());
    }

    @Test
    void dsackInsideTheSecondBlockIsRecognisedAndTheSecondBlockStillCounts() {
        tenSegmentsSent();
        ack(1000, 1300, 1400);
        int newly = ack(1000, 1300, 1400, 1300, 1600);
        assertTrue(sb.lastUpdateHadDsack());
        assertEquals(200, newly, "1400..1600 is new; the duplicate 1300..1400 is not");
        assertEquals(300, sb.sackedBytes());
        ack(1000, 1700, 1800);
        assertFalse(sb.lastUpdateHadDsack());
    }

    @Test
    void blocksOutsideTheWindowAreIgnored() {
        tenSegmentsSent();
        assertEquals(0, ack(1000, 1900, 2100), "beyond SND.MAX: bogus");
        assertEquals(0, ack(1000, 1500, 1400), "reversed edges");
        assertEquals(0, sb.blockCount());
        ack(1200);
        assertEquals(100, ack(1200, 1300, 1400, 1100, 1150), "a block below SND.UNA after the first is just old");
        assertEquals(1, sb.blockCount());
    }

    @Test
    void worksAcrossSequenceWraparound() {
        int base = 0xFFFF_FF00; // 256 bytes below the wrap
        sb.reset(base);
        sb.setSndMax(base + 1000);
        sb.update(base, new int[] {base + 100, base + 400}, 1, base + 1000); // 0xFFFFFF64 .. 0x90
        assertEquals(300, sb.sackedBytes());
        assertTrue(sb.isLost(base));
        assertTrue(sb.isSacked(0)); // the byte right after the wrap
        assertFalse(sb.isLost(base + 400));
        sb.enterRecovery();
        assertEquals(RETRANSMIT_LOST, sb.nextSeg(0));
        assertEquals(base, sb.nextSegSeq());
        assertEquals(600 + 0, sb.pipe(), "tail base+400 .. base+1000 not lost");
        sb.update(base + 200, new int[0], 0, base + 1000);
        assertEquals(200, sb.sackedBytes());
        assertEquals(base + 200, sb.blockStart(0));
    }

    @Test
    void memoryIsBoundedByKeepingTheBlocksNearestSndUna() {
        SackScoreboard small = new SackScoreboard(SMSS, 4);
        small.reset(0);
        small.setSndMax(10_000);
        int[] one = new int[2];
        for (int i = 9; i >= 1; i--) { // arrive highest first, so the low ones must evict the high ones
            one[0] = i * 1000;
            one[1] = i * 1000 + 100;
            small.update(0, one, 1, 10_000);
        }
        assertEquals(4, small.blockCount());
        assertEquals(1000, small.blockStart(0));
        assertEquals(4100, small.blockEnd(3));
        assertEquals(400, small.sackedBytes());
    }

    @Test
    void dupAcksCountOnlyAcksThatSackNewData() {
        tenSegmentsSent();
        ack(1000);
        ack(1000);
        assertEquals(0, sb.dupAcks());
        ack(1000, 1500, 1600);
        ack(1000, 1700, 1800, 1500, 1600);
        assertEquals(2, sb.dupAcks());
    }
}
