package org.alpenstack.kernel.buf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    @Test
    void surefireTurnsLeakDetectionOn() {
        assertTrue(Boolean.getBoolean("alpenstack.buffer.leakDetection"), "tests must run with leak detection");
    }

    @Test
    void aReleasedBufferIsReusedAndComesBackEmptyWithTheAskedHeadroom() {
        BufferPool pool = new BufferPool(16, true);
        PacketBuffer a = pool.acquire(64, 100);
        a.append(100);
        a.release();
        PacketBuffer b = pool.acquire(32, 10);
        assertSame(a, b, "the free list hands the same buffer back");
        assertEquals(32, b.headroom());
        assertEquals(0, b.length());
        b.release();
        pool.assertNoLeaks();
    }

    @Test
    void picksTheSmallestSizeClassThatFits() {
        BufferPool pool = new BufferPool(16, true);
        PacketBuffer frame = pool.acquire(1514);
        PacketBuffer jumbo = pool.acquire(9014);
        PacketBuffer huge = pool.acquire(65535);
        assertEquals(2048, frame.capacity());
        assertTrue(jumbo.capacity() >= 9014 + BufferPool.DEFAULT_HEADROOM && jumbo.capacity() < 65536);
        assertTrue(huge.capacity() >= 65535 + BufferPool.DEFAULT_HEADROOM);
        assertThrows(IllegalArgumentException.class, () -> pool.acquire(0, BufferPool.maxCapacity() + 1));
        frame.release();
        jumbo.release();
        huge.release();
        pool.assertNoLeaks();
    }

    @Test
    void releasingTwiceIsCaught() {
        BufferPool pool = new BufferPool(16, true);
        PacketBuffer b = pool.acquire(60);
        b.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, b::release);
        assertTrue(e.getMessage().contains("released twice"), e.getMessage());
        pool.assertNoLeaks();
    }

    @Test
    void aDoubleReleaseIsCaughtEvenWithoutLeakDetection() {
        BufferPool pool = new BufferPool(16, false);
        PacketBuffer b = pool.acquire(60);
        b.release();
        assertThrows(IllegalStateException.class, b::release);
    }

    @Test
    void aLeakIsReportedWithWhereTheBufferWasAcquired() {
        BufferPool pool = new BufferPool(16, true);
        PacketBuffer kept = leakOne(pool);
        PacketBuffer released = pool.acquire(60);
        released.release();
        assertEquals(1, pool.outstandingCount());
        List<Throwable> leaks = pool.leaks();
        assertEquals(1, leaks.size());
        assertTrue(stackMentions(leaks.get(0), "leakOne"), "the acquisition site names the leaking method");
        IllegalStateException e = assertThrows(IllegalStateException.class, pool::assertNoLeaks);
        assertTrue(e.getMessage().contains("1 packet buffer(s) leaked"), e.getMessage());
        assertTrue(stackMentions(e.getCause(), "leakOne"));
        kept.release();
        pool.assertNoLeaks();
        assertTrue(pool.leaks().isEmpty());
    }

    private static PacketBuffer leakOne(BufferPool pool) {
        return pool.acquire(60);
    }

    private static boolean stackMentions(Throwable t, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void withoutLeakDetectionLeaksAreStillCounted() {
        BufferPool pool = new BufferPool(16, false);
        PacketBuffer b = pool.acquire(60);
        IllegalStateException e = assertThrows(IllegalStateException.class, pool::assertNoLeaks);
        assertTrue(e.getMessage().contains("1 packet buffer(s) leaked"));
        assertTrue(pool.leaks().isEmpty(), "no acquisition sites are recorded when detection is off");
        b.release();
        pool.assertNoLeaks();
    }

    @Test
    void theFreeListIsBoundedSoABurstDoesNotPinMemory() {
        BufferPool pool = new BufferPool(2, true);
        PacketBuffer a = pool.acquire(60);
        PacketBuffer b = pool.acquire(60);
        PacketBuffer c = pool.acquire(60);
        a.release();
        b.release();
        c.release(); // free list full: c is dropped for the garbage collector
        PacketBuffer x = pool.acquire(60);
        PacketBuffer y = pool.acquire(60);
        PacketBuffer z = pool.acquire(60);
        assertNotSame(c, x);
        assertNotSame(c, y);
        assertNotSame(c, z);
        x.release();
        y.release();
        z.release();
        pool.assertNoLeaks();
    }

    @Test
    void aCopyIsPooledAndIndependent() {
        BufferPool pool = new BufferPool(16, true);
        PacketBuffer src = pool.acquire(10);
        src.append(new byte[] {1, 2, 3, 4}, 0, 4);
        PacketBuffer copy = src.copy(pool, 20);
        assertEquals(20, copy.headroom());
        assertEquals(4, copy.length());
        src.array()[src.start()] = 9;
        assertEquals(1, copy.array()[copy.start()]);
        src.release();
        copy.release();
        pool.assertNoLeaks();
    }
}
