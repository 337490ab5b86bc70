package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeqNumTest {
    @Test
    void comparesAcrossTheWrap() {
        int nearTop = 0xffff_fff0;
        int wrapped = 0x0000_0010;
        assertTrue(SeqNum.lt(nearTop, wrapped), "0xfffffff0 is before 0x10 modulo 2^32");
        assertTrue(SeqNum.gt(wrapped, nearTop));
        assertEquals(0x20, SeqNum.diff(nearTop, wrapped));
        assertEquals(wrapped, SeqNum.max(nearTop, wrapped));
        assertEquals(nearTop, SeqNum.min(nearTop, wrapped));
    }

    @Test
    void equalIsLeqAndGeqButNotLtOrGt() {
        assertTrue(SeqNum.leq(5, 5));
        assertTrue(SeqNum.geq(5, 5));
        assertFalse(SeqNum.lt(5, 5));
        assertFalse(SeqNum.gt(5, 5));
    }

    @Test
    void inRangeIsHalfOpen() {
        assertTrue(SeqNum.inRange(0xffff_ffff, 0xffff_fffe, 2));
        assertTrue(SeqNum.inRange(0xffff_fffe, 0xffff_fffe, 2));
        assertFalse(SeqNum.inRange(2, 0xffff_fffe, 2));
    }
}
