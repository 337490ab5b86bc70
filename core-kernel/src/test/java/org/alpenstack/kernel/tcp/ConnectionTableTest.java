package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

    @Test
    void findsByFourTupleAndDistinguishesEachField() {
        ConnectionTable<String> t = new ConnectionTable<>();
        t.put(ConnectionTable.hi(0x0a000001, 0x0a000002), ConnectionTable.lo(80, 40000), "a");
        assertEquals("a", t.get(0x0a000001, 80, 0x0a000002, 40000));
        assertNull(t.get(0x0a000001, 80, 0x0a000002, 40001));
        assertNull(t.get(0x0a000001, 81, 0x0a000002, 40000));
        assertNull(t.get(0x0a000002, 80, 0x0a000001, 40000));
        assertNull(t.get(0x0a000001, 40000, 0x0a000002, 80));
    }

    @Test
    void behavesLikeAHashMapUnderRandomInsertAndRemove() {
        ConnectionTable<Integer> t = new ConnectionTable<>();
        Map<String, Integer> ref = new HashMap<>();
        Random rnd = new Random(7);
        for (int op = 0; op < 200_000; op++) {
            // a small key space forces collisions, long probe chains and backward shifts
            int port = rnd.nextInt(3000);
            long hi = ConnectionTable.hi(0x0a000001, 0x0a000002 + (port & 3));
            long lo = ConnectionTable.lo(80, port);
            String k = hi + "/" + lo;
            if (rnd.nextInt(3) == 0) {
                Integer expect = ref.remove(k);
                assertEquals(expect, t.remove(hi, lo, null));
            } else {
                assertEquals(ref.put(k, op), t.put(hi, lo, op));
            }
            if (op % 1000 == 0) {
                assertEquals(ref.size(), t.size());
            }
        }
        for (int port = 0; port < 3000; port++) {
            for (int a = 0; a < 4; a++) {
                long hi = ConnectionTable.hi(0x0a000001, 0x0a000002 + a);
                long lo = ConnectionTable.lo(80, port);
                if ((port & 3) == a) {
                    assertEquals(ref.get(hi + "/" + lo), t.get(hi, lo));
                }
            }
        }
    }

    @Test
    void removeWithExpectedValueLeavesAReplacementAlone() {
        ConnectionTable<String> t = new ConnectionTable<>();
        long hi = ConnectionTable.hi(1, 2);
        long lo = ConnectionTable.lo(3, 4);
        t.put(hi, lo, "old");
        t.put(hi, lo, "new");
        assertNull(t.remove(hi, lo, "old"));
        assertSame("new", t.get(hi, lo));
    }
}
