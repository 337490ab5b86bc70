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

    private static byte[] pattern(int n, int seed) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = (byte) (i * 31 + seed);
        }
        return a;
    }

    @Test
    void storageGrowsWithTheDataNotWithTheWindow() {
        ReceiveBuffer rb = new ReceiveBuffer(128 * 1024, 6 * 1024 * 1024);
        assertEquals(0, rb.allocated(), "nothing allocated before data arrives");
        assertEquals(128 * 1024, rb.free(), "the window offers the whole capacity all the same");
        rb.write(new byte[] {7}, 0, 1);
        assertEquals(ReceiveBuffer.MIN_RING, rb.allocated());
        rb.grow(1024 * 1024);
        assertEquals(1024 * 1024, rb.capacity());
        assertEquals(ReceiveBuffer.MIN_RING, rb.allocated(), "autotuning raises the window, not the storage");
        assertEquals(1024 * 1024 - 1, rb.free());
    }

    @Test
    void growingTheStorageKeepsWrappedAndOutOfOrderBytes() {
        ReceiveBuffer rb = new ReceiveBuffer(64 * 1024);
        byte[] first = pattern(1500, 1);
        rb.write(first, 0, 1500);
        byte[] out = new byte[1500];
        rb.read(out, 0, 1500);
        assertArrayEquals(first, out);
        byte[] in = pattern(1000, 2);
        rb.write(in, 0, 1000); // wraps around the 2 KiB ring
        byte[] ooo = pattern(2000, 3);
        rb.writeAt(500, ooo, 0, 2000); // needs 3,500 bytes: the ring grows
        assertEquals(4096, rb.allocated());
        byte[] gap = pattern(500, 4);
        rb.writeAt(0, gap, 0, 500);
        rb.commit(2500);
        byte[] all = new byte[3500];
        assertEquals(3500, rb.read(all, 0, 3500));
        byte[] want = new byte[3500];
        System.arraycopy(in, 0, want, 0, 1000);
        System.arraycopy(gap, 0, want, 1000, 500);
        System.arraycopy(ooo, 0, want, 1500, 2000);
        assertArrayEquals(want, all);
        rb.writeAt(60 * 1024, pattern(4 * 1024, 5), 0, 4 * 1024);
        assertEquals(64 * 1024, rb.allocated(), "never more than the capacity");
    }
}
