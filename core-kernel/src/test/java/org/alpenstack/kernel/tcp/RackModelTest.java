package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.BitSet;
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
        for (int run = 0; run < 300; run++) {
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

    /**
     * The engine's use at scale: 2,000 segments in flight, 2% of transmissions (and 20% of
     * retransmissions) dropped, deliveries two steps after sending, the receiver SACKing the four
     * highest ranges, and what RACK marks lost retransmitted lowest first, so that lost
     * retransmissions and a window sliding across the sequence wrap are in the mix.
     */
    @Test
    void decidesExactlyAsTheFullWalkOnALargeFlight() {
        Random rnd = new Random(6937);
        Rack rack = new Rack();
        RackReference ref = new RackReference();
        int base = -1000 * MSS; // SND.UNA crosses the wrap after 1,000 segments
        rack.reset(base);
        ref.reset(base);
        BitSet delivered = new BitSet();
        ArrayDeque<long[]> inNetwork = new ArrayDeque<>(); // {segment, step it arrives}
        int unaK = 0;
        int tailK = 0;
        long now = 0;
        int[] blocks = new int[8];
        final int DELAY = 500; // steps of 10 us: 5 ms, 2,000 segments at 4 a step
        int maxFlight = 0;
        int marks = 0;
        int timers = 0;
        long blocked = 0;
        for (int step = 0; step < 3000; step++) {
            String where = "step " + step;
            now += 10 * US;
            for (int burst = 0; burst < 4 && tailK - unaK < 2000; burst++) {
                rack.onSent(base + tailK * MSS, base + (tailK + 1) * MSS, now);
                ref.onSent(base + tailK * MSS, base + (tailK + 1) * MSS, now);
                if (rnd.nextInt(50) != 0) {
                    inNetwork.add(new long[] {tailK, step + DELAY + rnd.nextInt(3)});
                }
                tailK++;
            }
            for (int burst = 0; burst < 4 && rack.firstLost() >= 0; burst++) {
                int k = (rack.start(rack.firstLost()) - base) / MSS;
                rack.onSent(base + k * MSS, base + (k + 1) * MSS, now);
                ref.onSent(base + k * MSS, base + (k + 1) * MSS, now);
                if (rnd.nextInt(5) != 0) {
                    inNetwork.add(new long[] {k, step + DELAY});
                }
            }
            // Arrivals a little out of order (the jitter above): look past the head of the queue.
            for (var it = inNetwork.iterator(); it.hasNext(); ) {
                long[] d = it.next();
                if (d[1] > step + 2) {
                    break;
                }
                if (d[1] <= step) {
                    delivered.set((int) d[0]);
                    it.remove();
                }
            }
            unaK = Math.max(unaK, delivered.nextClearBit(unaK));
            int n = 0;
            int right = delivered.previousSetBit(tailK - 1) + 1;
            while (n < 4 && right > unaK) {
                int left = delivered.previousClearBit(right - 1) + 1;
                blocks[2 * n] = base + left * MSS;
                blocks[2 * n + 1] = base + right * MSS;
                n++;
                right = delivered.previousSetBit(left - 1) + 1;
            }
            int una = base + unaK * MSS;
            rack.onAck(una, blocks, n, false, true, (int) (now / MS), MS, base + tailK * MSS, now);
            ref.onAck(una, blocks, n, false, true, (int) (now / MS), MS, base + tailK * MSS, now);
            long reoWnd = rnd.nextBoolean() ? 0 : 15 * US;
            long lostBefore = rack.lostBytes();
            long timeout = rack.detectLoss(reoWnd, now);
            assertEquals(ref.detectLoss(reoWnd, now), timeout, where + ": timeout");
            same(ref, rack, una + rnd.nextInt((tailK - unaK) * MSS + 1), where);
            marks += rack.lostBytes() > lostBefore ? 1 : 0;
            timers += timeout > 0 ? 1 : 0;
            for (int k = 0; k < n; k++) {
                blocked += blocks[2 * k + 1] - blocks[2 * k];
            }
            maxFlight = Math.max(maxFlight, rack.records());
        }
        assertEquals(2000, maxFlight, "the flight reached 2,000 segments");
        assertTrue(unaK > 1000, "SND.UNA went across the wrap: " + unaK + " segments acknowledged");
        assertTrue(marks > 100 && timers > 100, marks + " ACKs marked losses, " + timers + " armed the timer");
        System.out.println("RackModelTest large flight: " + marks + " ACKs marked losses, " + timers
                + " armed the RACK timer, " + blocked / MSS / 3000 + " SACKed segments in the blocks of an ACK on average");
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
