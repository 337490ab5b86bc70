package org.alpenstack.kernel.link;

import static org.alpenstack.kernel.link.TestFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;
import org.junit.jupiter.api.Test;

class LoopbackLinkTest {
    private static final long A = 0x02_00_00_00_00_01L;
    private final BufferPool pool = new BufferPool(64, true);

    @Test
    void deliversToItselfOnPollNotInsideTransmit() {
        LoopbackLink lo = new LoopbackLink();
        TestFrames.Recorder r = new TestFrames.Recorder();
        lo.attach(r);
        lo.transmit(frame(pool, A, A, 1));
        lo.transmit(frame(pool, A, A, 2));
        assertTrue(r.frames.isEmpty());
        assertTrue(lo.nextDeadline() <= 0);
        lo.poll(0);
        assertEquals(List.of(1, 2), r.ids());
        assertEquals(Clock.NEVER, lo.nextDeadline());
        pool.assertNoLeaks();
    }

    @Test
    void aReplySentWhileReceivingWaitsForTheNextPoll() {
        LoopbackLink lo = new LoopbackLink();
        int[] received = new int[1];
        lo.attach(f -> {
            received[0]++;
            lo.transmit(frame(pool, A, A, 100 + received[0]));
        });
        lo.transmit(frame(pool, A, A, 1));
        lo.poll(0);
        assertEquals(1, received[0]);
        assertEquals(0, lo.nextDeadline(), "the reply is due at once");
        lo.poll(0);
        assertEquals(2, received[0]);
        lo.discardQueued();
        pool.assertNoLeaks();
    }

    @Test
    void dropsFramesOverTheMtuAndRunts() {
        LoopbackLink lo = new LoopbackLink("lo0", 1500);
        TestFrames.Recorder r = new TestFrames.Recorder();
        lo.attach(r);
        lo.transmit(frame(pool, A, A, 1, 1500));
        lo.transmit(frame(pool, A, A, 2, 1501));
        PacketBuffer runt = pool.acquire(13);
        runt.append(13);
        lo.transmit(runt);
        lo.poll(0);
        assertEquals(List.of(1), r.ids());
        assertEquals(2, lo.droppedFrames());
        assertEquals(1, lo.deliveredFrames());
        pool.assertNoLeaks();
    }
}
