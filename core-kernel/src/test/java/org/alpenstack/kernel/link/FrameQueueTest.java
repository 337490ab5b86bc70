package org.alpenstack.kernel.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.junit.jupiter.api.Test;

class FrameQueueTest {
    private final BufferPool pool = new BufferPool(64, true);

    @Test
    void isFifoAcrossTheWrapAndRefusesWhenFull() {
        FrameQueue q = new FrameQueue(3); // rounded up to 4
        assertEquals(4, q.capacity());
        PacketBuffer[] b = new PacketBuffer[10];
        for (int i = 0; i < 10; i++) {
            b[i] = pool.acquire(60);
        }
        for (int round = 0; round < 2; round++) { // second round wraps the ring
            for (int i = 0; i < 4; i++) {
                assertTrue(q.offer(b[round * 4 + i]));
            }
            assertFalse(q.offer(b[8]), "a full queue refuses");
            for (int i = 0; i < 4; i++) {
                assertSame(b[round * 4 + i], q.poll());
            }
            assertNull(q.poll());
        }
        q.offer(b[8]);
        q.offer(b[9]);
        assertEquals(2, q.size());
        q.clear();
        assertTrue(q.isEmpty());
        for (int i = 0; i < 8; i++) {
            b[i].release();
        }
        pool.assertNoLeaks();
    }
}
