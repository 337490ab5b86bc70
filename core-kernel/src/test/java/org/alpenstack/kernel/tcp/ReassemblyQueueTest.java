package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReassemblyQueueTest {
    static final int IRS = 5000;

    /** The byte stream the peer sends: byte at sequence number s is (s * 7) & 0xff. */
    private static byte[] stream(int seq, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) ((seq + i) * 7);
        }
        return b;
    }

    private final ReceiveBuffer rb = new ReceiveBuffer(1000);
    private final ReassemblyQueue q = new ReassemblyQueue(rb);
    private final int[] sack = new int[8];

    {
        q.reset(IRS + 1);
    }

    private int seg(int relSeq, int len) {
        int seq = IRS + 1 + relSeq;
        return q.receive(seq, stream(seq, len), 0, len);
    }

    private int[] blocks(int max) {
        int n = q.sackBlocks(sack, max);
        int[] rel = new int[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            rel[i] = sack[i] - (IRS + 1);
        }
        return rel;
    }

    private void assertReadable(int relSeq, int len) {
        byte[] out = new byte[len];
        assertEquals(len, rb.read(out, 0, len));
        assertArrayEquals(stream(IRS + 1 + relSeq, len), out);
    }

    @Test
    void inOrderSegmentsAreDeliveredAtOnce() {
        assertEquals(100, seg(0, 100));
        assertEquals(IRS + 101, q.rcvNxt());
        assertFalse(q.lastSegmentOutOfOrder());
        assertEquals(100, seg(100, 100));
        assertEquals(0, blocks(4).length, "nothing to SACK");
        assertReadable(0, 200);
    }

    @Test
    void holeIsFilledAndEverythingIsDeliveredInOrder() {
        assertEquals(0, seg(100, 100));
        assertTrue(q.lastSegmentOutOfOrder());
        assertEquals(0, seg(300, 100));
        assertEquals(0, rb.available(), "nothing readable past a hole");
        assertEquals(1000, q.window(), "out-of-order bytes sit inside the window: it does not shrink");
        assertArrayEquals(new int[] {300, 400, 100, 200}, blocks(4), "most recent first");
        assertEquals(200, seg(0, 100), "fills the first hole; the range up to 200 becomes readable");
        assertTrue(q.lastSegmentFilledGap());
        assertArrayEquals(new int[] {300, 400}, blocks(4));
        assertEquals(200, seg(200, 100));
        assertFalse(q.hasOutOfOrder());
        assertReadable(0, 400);
        assertEquals(IRS + 401, q.rcvNxt());
    }

    @Test
    void sackBlocksListTheMostRecentlyReceivedFirstAndAreLimited() {
        seg(100, 10);
        seg(300, 10);
        seg(500, 10);
        seg(700, 10);
        seg(310, 10); // extends 300..310: now the most recent
        assertArrayEquals(new int[] {300, 320, 700, 710, 500, 510}, blocks(3));
        assertArrayEquals(new int[] {300, 320, 700, 710, 500, 510, 100, 110}, blocks(4));
    }

    @Test
    void overlappingSegmentsMergeAndKeepTheFirstCopy() {
        seg(100, 50);
        byte[] forged = new byte[100];
        Arrays.fill(forged, (byte) 0x55);
        System.arraycopy(stream(IRS + 1 + 120, 100), 30, forged, 30, 70); // 150..220 genuine
        q.receive(IRS + 1 + 120, forged, 0, 100); // 120..220, of which 120..150 is held already
        assertEquals(1, q.intervalCount());
        assertEquals(IRS + 101, q.intervalStart(0));
        assertEquals(IRS + 221, q.intervalEnd(0));
        assertEquals(220, seg(0, 100));
        assertReadable(0, 220);
    }

    @Test
    void duplicateBelowRcvNxtProducesADsackOnce() {
        seg(0, 300);
        assertEquals(0, seg(100, 100));
        assertTrue(q.lastSegmentOutOfOrder(), "a duplicate is acknowledged at once");
        assertTrue(q.hasPendingDsack());
        assertArrayEquals(new int[] {100, 200}, blocks(4));
        assertArrayEquals(new int[0], blocks(4), "reported once");
    }

    @Test
    void partialDuplicateIsTrimmedAndReported() {
        seg(0, 100);
        assertEquals(50, seg(50, 100), "only the new half 100..150 is delivered");
        assertArrayEquals(new int[] {50, 100}, blocks(4));
        assertReadable(0, 150);
    }

    @Test
    void duplicateOfOutOfOrderDataGivesDsackThenItsBlock() {
        seg(200, 100);
        seg(500, 100);
        seg(220, 30); // inside 200..300
        // RFC 2883 section 4: the D-SACK, then the block that contains it.
        assertArrayEquals(new int[] {220, 250, 200, 300, 500, 600}, blocks(4));
        assertEquals(30, q.duplicateBytes());
    }

    @Test
    void dataBeyondTheWindowIsDropped() {
        seg(0, 600);
        assertEquals(400, q.window());
        assertEquals(0, seg(1000, 100), "starts at RCV.NXT + window");
        assertEquals(0, q.intervalCount());
        assertEquals(0, seg(900, 200), "partly inside: the part inside is kept");
        assertEquals(IRS + 1001, q.intervalEnd(0));
        assertEquals(200, q.droppedBytes());
        rb.skip(600);
        assertEquals(1000, q.window(), "reading opens the window");
    }

    @Test
    void intervalCountIsBoundedByPruningTheHighest() {
        ReceiveBuffer small = new ReceiveBuffer(10_000);
        ReassemblyQueue q2 = new ReassemblyQueue(small, 3);
        q2.reset(0);
        byte[] one = new byte[1];
        q2.receive(10, one, 0, 1);
        q2.receive(30, one, 0, 1);
        q2.receive(50, one, 0, 1);
        q2.receive(70, one, 0, 1); // pruned: it is the highest
        assertEquals(3, q2.intervalCount());
        q2.receive(20, one, 0, 1); // kept, 50 pruned instead
        assertEquals(3, q2.intervalCount());
        assertEquals(30, q2.intervalStart(2));
        assertEquals(2, q2.droppedBytes());
    }

    @Test
    void worksAcrossSequenceWraparound() {
        ReceiveBuffer b2 = new ReceiveBuffer(1000);
        ReassemblyQueue q2 = new ReassemblyQueue(b2);
        int start = 0xFFFF_FFC0; // 64 bytes below the wrap
        q2.reset(start);
        q2.receive(start + 100, stream(start + 100, 50), 0, 50);
        assertEquals(0, q2.receive(start + 50, stream(start + 50, 50), 0, 50));
        assertEquals(150, q2.receive(start, stream(start, 50), 0, 50), "crosses zero and joins both ranges");
        assertEquals(start + 150, q2.rcvNxt());
        byte[] out = new byte[150];
        assertEquals(150, b2.read(out, 0, 150));
        assertArrayEquals(stream(start, 150), out);
    }

    @Test
    void randomArrivalOrderWithDuplicatesReassemblesTheStream() {
        Random rnd = new Random(7);
        for (int run = 0; run < 200; run++) {
            ReceiveBuffer b2 = new ReceiveBuffer(600);
            ReassemblyQueue q2 = new ReassemblyQueue(b2, 8);
            int base = rnd.nextInt();
            q2.reset(base);
            int total = 3000;
            byte[] got = new byte[total];
            int read = 0;
            int[] blocks = new int[8];
            for (int step = 0; step < 2000 && read < total; step++) {
                int rel = Math.max(0, SeqNum.diff(base, q2.rcvNxt()) - 50 + rnd.nextInt(700));
                int len = Math.min(1 + rnd.nextInt(120), total - Math.min(rel, total));
                if (len <= 0) {
                    continue;
                }
                q2.receive(base + rel, stream(base + rel, len), 0, len);
                int n = q2.sackBlocks(blocks, 4);
                for (int i = 0; i < n; i++) {
                    assertTrue(SeqNum.lt(blocks[2 * i], blocks[2 * i + 1]));
                }
                if (rnd.nextInt(3) == 0) {
                    read += b2.read(got, read, Math.min(total - read, rnd.nextInt(400)));
                }
            }
            read += b2.read(got, read, total - read);
            int expected = SeqNum.diff(base, q2.rcvNxt());
            assertEquals(expected, read, "run " + run);
            assertEquals(total, read, "run " + run + " should have completed the stream");
            assertArrayEquals(stream(base, read), Arrays.copyOf(got, read), "run " + run);
        }
    }
}
