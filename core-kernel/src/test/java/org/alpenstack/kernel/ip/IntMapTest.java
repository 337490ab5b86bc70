package org.alpenstack.kernel.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open-addressing map agrees with java.util.HashMap under random puts and removes. */
class IntMapTest {
    @Test
    void behavesLikeAHashMap() {
        for (long seed = 0; seed < 20; seed++) {
            Random rnd = new Random(seed);
            IntMap<Integer> m = new IntMap<>(4);
            HashMap<Integer, Integer> ref = new HashMap<>();
            // A small key space forces long probe runs, wrap-around and many deletions.
            int keySpace = 8 + rnd.nextInt(200);
            for (int i = 0; i < 20_000; i++) {
                int k = rnd.nextInt(keySpace) * (rnd.nextBoolean() ? 1 : 0x10001);
                switch (rnd.nextInt(3)) {
                    case 0 -> assertEquals(ref.put(k, i), m.put(k, i));
                    case 1 -> assertEquals(ref.remove(k), m.remove(k));
                    default -> assertEquals(ref.get(k), m.get(k));
                }
                assertEquals(ref.size(), m.size());
            }
            for (int k : ref.keySet()) {
                assertEquals(ref.get(k), m.get(k));
            }
            assertEquals(ref.size(), m.values().size());
        }
    }
}
