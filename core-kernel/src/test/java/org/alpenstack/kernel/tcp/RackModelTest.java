package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Rack} (the transmission-ordered walk) against {@link RackReference} (the walk over every
 * record it replaced): random transmissions, retransmissions of random sub-ranges, cumulative
 * ACKs with SACK and D-SACK blocks, loss detection at random times, reneging and recovery ends,
 * across the sequence wrap. Every decision must be the same: the records, their SACKED and LOST
 * marks, lostBytes, firstLost and the RACK timer's timeout after every step.
 */
class RackModelTest {
    private static final int MSS = 10;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;

    @Test
    void decidesExactlyAsTheFullWalk() {
        Random rnd = new Random(8985);
        for (int run = 0; run < 400; run++) {
            runOne(rnd.nextLong(), run);
        }
    }

    private static void runOne(long seed, int run) {
        Random rnd = new Random(seed);
        Rack rack = new Rack();
        RackReference ref = new RackReference();
        int base = rnd.nextBoolean() ? 0xFFFF_FF00 - rnd.nextInt(200) : rnd.nextInt();
        rack.reset(base);
        ref.reset(base);
        int una = base;
        int tail = base;
        long now = rnd.nextInt(1000) * MS;
        int[] blocks = new int[8];
        // Short runs see few records, long ones build a flight of dozens with several holes.
        int steps = 50 + rnd.nextInt(350);
        for (int step = 0; step < steps; step++) {
            String where = "seed " + seed + " (run " + run + ") step " + step;
            // Time moves in 100 us steps, often not at all (same-tick transmissions).
            if (rnd.nextInt(3) > 0) {
                now += rnd.nextInt(30) * 100 * US;
            }
            int op = rnd.nextInt(100);
            if (op < 30 || tail == una && op < 60) {
                int len = 1 + rnd.nextInt(3 * MSS);
                rack.onSent(tail, tail + len, now);
                ref.onSent(tail, tail + len, now);
                tail += len;
            } else if (op < 45) {
                // A retransmission of a random sub-range, sometimes starting below SND.UNA or
                // reaching past SND.MAX (then the rest is new data).
                int a = una - (rnd.nextInt(4) == 0 ? rnd.nextInt(5) : 0) + rnd.nextInt(tail - una);
                if (rnd.nextBoolean()) {
                    a = base + (a - base) / MSS * MSS; // record-aligned, as the engine mostly sends
                }
                int b = a + 1 + rnd.nextInt(rnd.nextInt(5) == 0 ? 6 * MSS : MSS + 1);
                rack.onSent(a, b, now);
                ref.onSent(a, b, now);
                if (b - tail > 0) {
                    tail = b;
                }
            } else if (op < 80) {
                int newUna = rnd.nextInt(3) == 0 ? una + rnd.nextInt(tail - una + 1) : una;
                int n = rnd.nextInt(5);
                boolean dsack = n > 0 && rnd.nextInt(6) == 0;
                for (int k = 0; k < n; k++) {
                    int span = Math.max(1, tail - newUna);
                    int l = newUna + rnd.nextInt(span);
                    if (k == 0 && dsack) {
                        l = newUna - rnd.nextInt(3 * MSS) - 1; // a duplicate below SND.UNA (or anywhere)
                        if (rnd.nextBoolean()) {
                            l = newUna + rnd.nextInt(span);
                        }
                    } else if (rnd.nextBoolean()) {
                        l = base + (l - base) / MSS * MSS;
                    }
                    int r = l + 1 + rnd.nextInt(rnd.nextInt(3) == 0 ? 20 * MSS : 3 * MSS);
                    if (rnd.nextInt(8) != 0 && r - tail > 0) {
                        r = tail; // mostly within what was sent; sometimes an invalid block past it
                    }
                    if (rnd.nextInt(10) == 0) {
                        r = l; // empty, or (swapped) inverted
                        if (rnd.nextBoolean()) {
                            l = r + 5;
                        }
                    }
                    blocks[2 * k] = l;
                    blocks[2 * k + 1] = r;
                }
                boolean hasEcho = rnd.nextBoolean();
                int echoMs = (int) (now / MS) - rnd.nextInt(4);
                long connMinRtt = rnd.nextInt(3) == 0 ? Long.MAX_VALUE : (1 + rnd.nextInt(5)) * MS;
                rack.onAck(newUna, blocks, n, dsack, hasEcho, echoMs, connMinRtt, tail, now);
                ref.onAck(newUna, blocks, n, dsack, hasEcho, echoMs, connMinRtt, tail, now);
                una = newUna;
            } else if (op < 94) {
                long reoWnd = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(40) * 100 * US;
                assertEquals(ref.detectLoss(reoWnd, now), rack.detectLoss(reoWnd, now), where + ": timeout");
            } else if (op < 97) {
                rack.recoveryEnded();
                ref.recoveryEnded();
            } else if (op < 99) {
                rack.forgetSacks();
                ref.forgetSacks();
            } else {
                una = tail;
                rack.reset(una);
                ref.reset(una);
            }
            boolean inRecovery = rnd.nextBoolean();
            int sacked = rnd.nextInt(5);
            long srtt = rnd.nextInt(10) * MS;
            assertEquals(ref.reorderingWindow(inRecovery, sacked, 3, 2 * MS, srtt),
                    rack.reorderingWindow(inRecovery, sacked, 3, 2 * MS, srtt), where + ": reo_wnd");
            same(ref, rack, una + rnd.nextInt(tail - una + 1), where);
        }
    }

    private static void same(RackReference ref, Rack rack, int probe, String where) {
        assertEquals(ref.records(), rack.records(), where + ": records");
        for (int i = 0; i < ref.records(); i++) {
            assertEquals(ref.start(i), rack.start(i), where + ": start of " + i);
            assertEquals(ref.end(i), rack.end(i), where + ": end of " + i);
            assertEquals(ref.lost(i), rack.lost(i), where + ": LOST of " + i);
            assertEquals(ref.sacked(i), rack.sacked(i), where + ": SACKED of " + i);
        }
        assertEquals(ref.lostBytes(), rack.lostBytes(), where + ": lostBytes");
        assertEquals(ref.hasLost(), rack.hasLost(), where + ": hasLost");
        assertEquals(ref.firstLost(), rack.firstLost(), where + ": firstLost");
        assertEquals(ref.lostBytesBelow(probe), rack.lostBytesBelow(probe), where + ": lostBytesBelow");
        assertEquals(ref.reorderingSeen(), rack.reorderingSeen(), where + ": reorderingSeen");
    }
}
