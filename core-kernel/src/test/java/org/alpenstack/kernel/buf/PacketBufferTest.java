package org.alpenstack.kernel.buf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketBufferTest {
    private final BufferPool pool = new BufferPool(16, true);

    @Test
    void headersArePrependedIntoTheHeadroomWithoutCopying() {
        PacketBuffer b = pool.acquire(128, 100);
        b.append(new byte[] {'d', 'a', 't', 'a'}, 0, 4); // payload first, as a socket writes it
        int udp = b.prepend(8);
        int ip = b.prepend(20);
        int eth = b.prepend(14);
        assertEquals(128 - 8, udp);
        assertEquals(udp - 20, ip);
        assertEquals(ip - 14, eth);
        assertEquals(46, b.length());
        assertEquals(128 - 42, b.headroom());
        assertThrows(IndexOutOfBoundsException.class, () -> b.prepend(b.headroom() + 1));
        b.release();
        pool.assertNoLeaks();
    }

    @Test
    void layersConsumeHeadersFromTheFrontAndCutPaddingAtTheEnd() {
        PacketBuffer b = pool.acquire(0, 60);
        b.append(60); // a minimum-size Ethernet frame with padding
        b.trimFront(14);
        b.truncate(28); // IPv4 total length says 28
        assertEquals(14, b.start());
        assertEquals(42, b.end());
        assertThrows(IndexOutOfBoundsException.class, () -> b.trimFront(29));
        assertThrows(IndexOutOfBoundsException.class, () -> b.truncate(29));
        assertThrows(IndexOutOfBoundsException.class, () -> b.append(b.tailroom() + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.setBounds(10, 5));
        b.setBounds(0, 60);
        assertEquals(60, b.length());
        b.release();
        pool.assertNoLeaks();
    }

    @Test
    void aWrappedFrameIsBorrowedReleaseIsANoOpAndItCanBeRepointed() {
        byte[] batch = new byte[3000];
        Arrays.fill(batch, 0, 60, (byte) 1);
        Arrays.fill(batch, 1500, 1560, (byte) 2);
        PacketBuffer view = PacketBuffer.wrap(batch, 0, 60);
        assertFalse(view.isPooled());
        view.release();
        view.release(); // borrowed: nothing to give back, never an error
        view.rewrap(batch, 1500, 60);
        assertEquals(2, view.array()[view.start()]);
        assertThrows(IndexOutOfBoundsException.class, () -> view.rewrap(batch, 2990, 60));
        PacketBuffer pooled = pool.acquire(60);
        assertThrows(IllegalStateException.class, () -> pooled.rewrap(batch, 0, 60));
        PacketBuffer kept = view.copy(pool, 0);
        assertArrayEquals(Arrays.copyOfRange(batch, 1500, 1560), Arrays.copyOfRange(kept.array(), 0, 60));
        pooled.release();
        kept.release();
        pool.assertNoLeaks();
    }

    @Test
    void resetEmptiesTheBuffer() {
        PacketBuffer b = pool.acquire(60);
        b.append(60);
        b.reset(10);
        assertEquals(0, b.length());
        assertEquals(10, b.headroom());
        assertThrows(IndexOutOfBoundsException.class, () -> b.reset(b.capacity() + 1));
        b.release();
        pool.assertNoLeaks();
    }
}
