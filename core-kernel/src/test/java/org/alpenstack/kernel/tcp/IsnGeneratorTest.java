package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IsnGeneratorTest {
    static final int A = 0x0a000001; // 10.0.0.1
    static final int B = 0x0a000002;

    @Test
    void sameSeedSameIsn() {
        assertEquals(new IsnGenerator(1).isn(A, 40000, B, 80, 0), new IsnGenerator(1).isn(A, 40000, B, 80, 0));
        assertNotEquals(new IsnGenerator(1).isn(A, 40000, B, 80, 0), new IsnGenerator(2).isn(A, 40000, B, 80, 0),
                "a different secret gives a different offset");
    }

    @Test
    void advancesOneEveryFourMicroseconds() {
        IsnGenerator g = new IsnGenerator(7);
        int at0 = g.isn(A, 40000, B, 80, 1_000_000_000L);
        assertEquals(at0, g.isn(A, 40000, B, 80, 1_000_003_999L));
        assertEquals(at0 + 1, g.isn(A, 40000, B, 80, 1_000_004_000L));
        assertEquals(at0 + 250_000, g.isn(A, 40000, B, 80, 2_000_000_000L), "one second = 250000 ticks");
        assertEquals(IsnGenerator.clock(0x4_0000_0000L * 4000L), 0, "M wraps modulo 2^32");
    }

    @Test
    void everyTupleElementChangesTheIsn() {
        IsnGenerator g = new IsnGenerator(7);
        Set<Integer> seen = new HashSet<>();
        seen.add(g.isn(A, 40000, B, 80, 0));
        seen.add(g.isn(A + 1, 40000, B, 80, 0));
        seen.add(g.isn(A, 40001, B, 80, 0));
        seen.add(g.isn(A, 40000, B + 1, 80, 0));
        seen.add(g.isn(A, 40000, B, 81, 0));
        seen.add(g.isn(B, 80, A, 40000, 0));
        assertEquals(6, seen.size());
    }

    @Test
    void ipv6AddressesAreSupported() {
        IsnGenerator g = new IsnGenerator(7);
        byte[] l = new byte[16];
        byte[] r = new byte[16];
        l[15] = 1;
        r[15] = 2;
        int x = g.isn(l, 1234, r, 80, 0);
        assertEquals(x + 1, g.isn(l, 1234, r, 80, 4000));
        r[0] = 0x20;
        assertNotEquals(x, g.isn(l, 1234, r, 80, 0));
        assertThrows(IllegalArgumentException.class, () -> g.isn(new byte[4], 1, new byte[16], 2, 0));
    }

    @Test
    void spreadsAcrossTheSequenceSpace() {
        IsnGenerator g = new IsnGenerator(99);
        int high = 0;
        for (int port = 1024; port < 2048; port++) {
            if (g.isn(A, port, B, 80, 0) < 0) {
                high++;
            }
        }
        assertTrue(high > 400 && high < 624, "about half the ISNs have the top bit set: " + high);
    }

    @Test
    void timestampOffsetDependsOnlyOnTheAddresses() {
        IsnGenerator g = new IsnGenerator(5);
        assertEquals(g.timestampOffset(A, B), g.timestampOffset(A, B));
        assertNotEquals(g.timestampOffset(A, B), g.timestampOffset(A, B + 1));
        assertEquals(g.timestampOffset(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}),
                g.timestampOffset(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}));
    }
}
