package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scoreboard against a byte-per-bit model of RFC 6675, on random ACK streams across the wrap. */
class SackScoreboardModelTest {
    static final int SMSS = 10;
    static final int SPAN = 400;

    @Test
    void agreesWithAByteModel() {
        Random rnd = new Random(42);
        for (int run = 0; run < 300; run++) {
            int base = rnd.nextBoolean() ? 0xFFFF_FF80 : rnd.nextInt();
            SackScoreboard sb = new SackScoreboard(SMSS, 1000);
            sb.reset(base);
            sb.setSndMax(base + SPAN);
            BitSet sacked = new BitSet(SPAN);
            int una = 0;
            for (int step = 0; step < 30; step++) {
                if (rnd.nextInt(5) == 0) {
                    una = Math.min(SPAN, una + rnd.nextInt(40));
                }
                int n = rnd.nextInt(4);
                int[] edges = new int[2 * n];
                int expectedNew = 0;
                BitSet before = (BitSet) sacked.clone();
                before.clear(0, una);
                for (int i = 0; i < n; i++) {
                    int l = una + rnd.nextInt(SPAN - una + 1);
                    int r = Math.min(SPAN, l + 1 + rnd.nextInt(50));
                    if (l >= r) {
                        l = r - 1;
                    }
                    if (l < una) {
                        l = una; // keep it simple: no D-SACK in the model
                    }
                    if (i == 0 && n > 1) {
                        // avoid the model having to reason about "first block inside the second" D-SACKs
                        l = Math.max(l, una);
                    }
                    edges[2 * i] = base + l;
                    edges[2 * i + 1] = base + r;
                }
                boolean dsack = n > 1 && edges[0] - base >= edges[2] - base && edges[1] - base <= edges[3] - base;
                for (int i = dsack ? 1 : 0; i < n; i++) {
                    int l = edges[2 * i] - base;
                    int r = edges[2 * i + 1] - base;
                    if (l < r) {
                        sacked.set(l, r);
                    }
                }
                sacked.clear(0, una);
                BitSet fresh = (BitSet) sacked.clone();
                fresh.andNot(before);
                expectedNew = fresh.cardinality();
                int newly = sb.update(base + una, edges, n, base + SPAN);
                String ctx = "run " + run + " step " + step + " " + sb;
                assertEquals(expectedNew, newly, ctx);
                assertEquals(sacked.cardinality(), sb.sackedBytes(), ctx);
                for (int off = una; off < SPAN; off += 7) {
                    assertEquals(sacked.get(off), sb.isSacked(base + off), ctx + " isSacked " + off);
                    assertEquals(modelIsLost(sacked, off), sb.isLost(base + off), ctx + " isLost " + off);
                }
                assertEquals(modelPipe(sacked, una), sb.pipe(), ctx);
            }
        }
    }

    private static boolean modelIsLost(BitSet sacked, int off) {
        if (sacked.get(off)) {
            return false;
        }
        int blocks = 0;
        int bytes = 0;
        for (int i = sacked.nextSetBit(off); i >= 0; i = sacked.nextSetBit(i + 1)) {
            bytes++;
            if (!sacked.get(i - 1)) {
                blocks++;
            }
        }
        return blocks >= 3 || bytes > 2 * SMSS;
    }

    private static int modelPipe(BitSet sacked, int una) {
        int pipe = 0;
        for (int i = una; i < SPAN; i++) {
            if (!sacked.get(i) && !modelIsLost(sacked, i)) {
                pipe++;
            }
        }
        return pipe;
    }
}
