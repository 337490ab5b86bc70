package org.alpenstack.kernel.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void valuesAreLinuxX8664() {
        // A program compares these numbers; they must be exactly the kernel's.
        assertEquals(111, Errno.ECONNREFUSED);
        assertEquals(104, Errno.ECONNRESET);
        assertEquals(115, Errno.EINPROGRESS);
        assertEquals(98, Errno.EADDRINUSE);
        assertEquals(11, Errno.EAGAIN);
        assertEquals(32, Errno.EPIPE);
        assertEquals(110, Errno.ETIMEDOUT);
    }

    @Test
    void namesNegativeAndPositiveValues() {
        assertEquals("ECONNREFUSED", Errno.name(-111));
        assertEquals("EAGAIN", Errno.name(11));
        assertEquals("errno 4095", Errno.name(4095));
    }
}
