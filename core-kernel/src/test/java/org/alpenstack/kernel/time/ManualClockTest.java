package org.alpenstack.kernel.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ManualClockTest {
    @Test
    void movesOnlyForwardAndOnlyWhenTold() {
        ManualClock c = new ManualClock(100);
        assertEquals(100, c.nanos());
        c.advance(Clock.millis(2));
        assertEquals(2_000_100, c.nanos());
        c.set(2_000_100);
        c.set(5_000_000);
        assertEquals(5_000_000, c.nanos());
        assertThrows(IllegalArgumentException.class, () -> c.set(4_999_999));
        assertThrows(IllegalArgumentException.class, () -> c.advance(-1));
        assertEquals(5_000_000, c.nanos());
        assertEquals(0, new ManualClock().nanos());
    }
}
