package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReceiveBufferTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String read(ReceiveBuffer rb, int n) {
        byte[] out = new byte[n];
        int k = rb.read(out, 0, n);
        return new String(out, 0, k, StandardCharsets.US_ASCII);
    }

    @Test
    void writeReadAndFreeSpace() {
        ReceiveBuffer rb = new ReceiveBuffer(8);
        assertEquals(8, rb.free());
        assertEquals(5, rb.write(b("hello"), 0, 5));
        assertEquals(5, rb.available());
        assertEquals(3, rb.free(), "the window shrinks by what the application has not read");
        assertEquals(3, rb.write(b("world"), 0, 5), "only what fits");
        assertEquals("hel", read(rb, 3));
        assertEquals(3, rb.free());
        assertEquals("lowor", read(rb, 10));
        assertEquals(0, rb.available());
        assertEquals("", read(rb, 10));
    }

    @Test
    void wrapsAroundTheRing() {
        ReceiveBuffer rb = new ReceiveBuffer(8);
        rb.write(b("abcdef"), 0, 6);
        read(rb, 5);
        rb.write(b("ghijklm"), 0, 7);
        byte[] peek = new byte[8];
        assertEquals(8, rb.peek(peek, 0, 8));
        assertArrayEquals(b("fghijklm"), peek);
        assertEquals(8, rb.available(), "peek does not consume");
        assertEquals("fghijklm", read(rb, 8));
    }

    @Test
    void outOfOrderBytesWaitUntilCommitted() {
        ReceiveBuffer rb = new ReceiveBuffer(8);
        rb.write(b("ab"), 0, 2);
        rb.writeAt(2, b("EF"), 0, 2); // positions 4,5 after the readable end
        assertEquals(2, rb.available());
        assertEquals("ab", read(rb, 8), "reading does not move the held bytes");
        rb.writeAt(0, b("cd"), 0, 2);
        rb.commit(4);
        assertEquals("cdEF", read(rb, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> rb.writeAt(7, b("xy"), 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> rb.commit(9));
    }

    @Test
    void growKeepsReadableAndOutOfOrderBytes() {
        ReceiveBuffer rb = new ReceiveBuffer(8, 32);
        rb.write(b("abcdef"), 0, 6);
        read(rb, 4);
        rb.write(b("ghij"), 0, 4); // wraps
        rb.writeAt(1, b("L"), 0, 1);
        assertEquals(16, rb.grow(16));
        assertEquals(10, rb.free());
        rb.writeAt(0, b("k"), 0, 1);
        rb.commit(2);
        assertEquals("efghijkL", read(rb, 16));
        assertEquals(32, rb.grow(100), "capped at the maximum");
        assertEquals(32, rb.grow(8), "never shrinks");
    }

    @Test
    void ringIsAllocatedOnlyWhenBytesArriveAndGrowsKeepingPositions() {
        ReceiveBuffer rb = new ReceiveBuffer(131072, 1 << 20);
        assertEquals(0, rb.allocated(), "an idle connection holds no data buffer");
        assertEquals(131072, rb.free(), "the window is the capacity, not the ring");
        byte[] data = new byte[20000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        rb.write(data, 0, 1500);
        assertEquals(ReceiveBuffer.MIN_RING, rb.allocated());
        byte[] out = new byte[20000];
        assertEquals(1000, rb.read(out, 0, 1000));
        // The head is now inside the small ring; out-of-order bytes (stream bytes 5000 to 11000,
        // 3500 past the readable end at 1500) make it grow.
        rb.writeAt(3500, data, 5000, 6000);
        assertEquals(16384, rb.allocated(), "doubled to the first power of two that holds them");
        rb.writeAt(0, data, 1500, 2500);
        rb.commit(2500);
        assertEquals(3000, rb.available());
        rb.writeAt(0, data, 4000, 1000);
        rb.commit(1000 + 6000);
        assertEquals(10000, rb.available());
        assertEquals(10000, rb.read(out, 0, 20000));
        for (int i = 0; i < 10000; i++) {
            assertEquals(data[1000 + i], out[i], "byte " + i);
        }
        assertEquals(131072, rb.capacity());
        assertEquals(262144, rb.grow(262144));
        assertEquals(16384, rb.allocated(), "autotuning raises the limit; the ring follows the bytes");
    }
}
