package org.alpenstack.kernel.link;

import static org.alpenstack.kernel.link.TestFrames.BROADCAST;
import static org.alpenstack.kernel.link.TestFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.sim.AllocationMeter;
import org.alpenstack.kernel.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VirtualSwitchTest {
    private static final long A = 0x02_00_00_00_00_0aL;
    private static final long B = 0x02_00_00_00_00_0bL;
    private static final long C = 0x02_00_00_00_00_0cL;
    private static final long IPV4_MULTICAST = 0x01_00_5e_00_00_01L; // all-hosts group, RFC 1112 6.4

    private final BufferPool pool = new BufferPool(4096, true);
    private final VirtualSwitch sw = new VirtualSwitch("sw0");
    private final SwitchPort p1 = sw.newPort("p1", 1500);
    private final SwitchPort p2 = sw.newPort("p2", 1500);
    private final SwitchPort p3 = sw.newPort("p3", 1500);
    private final TestFrames.Recorder r1 = new TestFrames.Recorder();
    private final TestFrames.Recorder r2 = new TestFrames.Recorder();
    private final TestFrames.Recorder r3 = new TestFrames.Recorder();

    VirtualSwitchTest() {
        p1.attach(r1);
        p2.attach(r2);
        p3.attach(r3);
    }

    @AfterEach
    void noLeaks() {
        sw.discardQueued();
        pool.assertNoLeaks();
    }

    private void clearRecorders() {
        r1.frames.clear();
        r2.frames.clear();
        r3.frames.clear();
    }

    @Test
    void floodsUnknownUnicastThenForwardsOnlyToTheLearnedPort() {
        p1.transmit(frame(pool, B, A, 1)); // nobody knows B yet
        assertTrue(r2.frames.isEmpty(), "frames move only when the switch is polled");
        sw.poll(0);
        assertEquals(List.of(), r1.ids(), "never back out of the ingress port");
        assertEquals(List.of(1), r2.ids());
        assertEquals(List.of(1), r3.ids());
        assertEquals(1, sw.floodedFrames());

        p2.transmit(frame(pool, A, B, 2)); // A was learned on p1
        sw.poll(1);
        assertEquals(List.of(2), r1.ids());
        assertEquals(List.of(1), r3.ids(), "known unicast is not flooded");

        p1.transmit(frame(pool, B, A, 3)); // B was learned on p2
        sw.poll(2);
        assertEquals(List.of(1, 3), r2.ids());
        assertEquals(List.of(1), r3.ids());
        assertEquals(2, sw.forwardedFrames());
    }

    @Test
    void floodsBroadcastAndMulticastEvenToKnownStations() {
        p2.transmit(frame(pool, A, B, 0));
        p3.transmit(frame(pool, A, C, 0));
        sw.poll(0); // B on p2, C on p3 learned
        clearRecorders();
        p1.transmit(frame(pool, BROADCAST, A, 1));
        p1.transmit(frame(pool, IPV4_MULTICAST, A, 2));
        sw.poll(1);
        assertEquals(List.of(), r1.ids());
        assertEquals(List.of(1, 2), r2.ids());
        assertEquals(List.of(1, 2), r3.ids());
    }

    @Test
    void aGroupSourceAddressIsNeverLearned() {
        p1.transmit(frame(pool, BROADCAST, IPV4_MULTICAST, 1));
        sw.poll(0);
        clearRecorders();
        p2.transmit(frame(pool, IPV4_MULTICAST, B, 2));
        sw.poll(1);
        assertEquals(List.of(2), r1.ids());
        assertEquals(List.of(2), r3.ids());
    }

    @Test
    void filtersAFrameWhoseDestinationIsBehindItsIngressPort() {
        p1.transmit(frame(pool, BROADCAST, A, 0));
        p1.transmit(frame(pool, BROADCAST, C, 0)); // A and C share p1 (a hub behind it)
        sw.poll(0);
        clearRecorders();
        p1.transmit(frame(pool, C, A, 1));
        sw.poll(1);
        assertTrue(r1.frames.isEmpty() && r2.frames.isEmpty() && r3.frames.isEmpty());
        assertEquals(1, sw.filteredFrames());
    }

    @Test
    void learnsWhenAStationMovesAndForgetsAfterAgeing() {
        VirtualSwitch s = new VirtualSwitch("s", 16, Clock.seconds(300), 16);
        SwitchPort a = s.newPort("a", 1500);
        SwitchPort b = s.newPort("b", 1500);
        SwitchPort c = s.newPort("c", 1500);
        TestFrames.Recorder ra = new TestFrames.Recorder();
        TestFrames.Recorder rb = new TestFrames.Recorder();
        TestFrames.Recorder rc = new TestFrames.Recorder();
        a.attach(ra);
        b.attach(rb);
        c.attach(rc);
        a.transmit(frame(pool, BROADCAST, A, 0));
        s.poll(0);
        c.transmit(frame(pool, BROADCAST, A, 0)); // A moved to port c
        s.poll(1);
        ra.frames.clear();
        rb.frames.clear();
        rc.frames.clear();
        b.transmit(frame(pool, A, B, 1));
        s.poll(2);
        assertEquals(List.of(1), rc.ids());
        assertTrue(ra.frames.isEmpty());
        // 300 s later the entry for A has aged out: unknown again, so flooded.
        b.transmit(frame(pool, A, B, 2));
        s.poll(2 + Clock.seconds(300) + 1);
        assertEquals(List.of(2), ra.ids());
        assertEquals(List.of(1, 2), rc.ids());
    }

    @Test
    void eachPortPolicesItsOwnMtu() {
        VirtualSwitch s = new VirtualSwitch("jumbo");
        SwitchPort big1 = s.newPort("big1", 9000);
        SwitchPort small = s.newPort("small", 1500);
        SwitchPort big2 = s.newPort("big2", 9000);
        TestFrames.Recorder rs = new TestFrames.Recorder();
        TestFrames.Recorder rb = new TestFrames.Recorder();
        small.attach(rs);
        big2.attach(rb);
        big1.attach(f -> { });
        big1.transmit(frame(pool, BROADCAST, A, 1, 4000));
        big1.transmit(frame(pool, BROADCAST, A, 2, 1500));
        small.transmit(frame(pool, BROADCAST, B, 3, 1501)); // larger than its own port: refused at once
        s.poll(0);
        assertEquals(List.of(1, 2), rb.ids());
        assertEquals(List.of(2), rs.ids());
        assertEquals(2, small.dropped(), "one jumbo refused on the way out, one on the way in");
        assertEquals(0, big2.dropped());
        s.discardQueued();
    }

    @Test
    void aReceiverThatTransmitsIsNotReenteredAndItsReplyWaitsForTheNextPoll() {
        boolean[] inside = new boolean[1];
        int[] nested = new int[1];
        p2.attach(f -> {
            if (inside[0]) {
                nested[0]++;
            }
            inside[0] = true;
            p2.transmit(frame(pool, A, B, 99)); // answer at once
            inside[0] = false;
        });
        p1.attach(f -> {
            if (inside[0]) {
                nested[0]++;
            }
            r1.receive(f);
        });
        p1.transmit(frame(pool, B, A, 1));
        long now = Clock.seconds(7);
        sw.poll(now);
        assertTrue(r1.frames.isEmpty(), "the reply must wait for the next poll");
        assertEquals(now, sw.nextDeadline(), "the switch says it has work now (not Long.MIN_VALUE, which overflows deadline - now)");
        sw.poll(now);
        assertEquals(List.of(99), r1.ids());
        assertEquals(0, nested[0]);
        assertEquals(Clock.NEVER, sw.nextDeadline());
    }

    @Test
    void aReceiverTrimmingTheLentFrameDoesNotShortenItForTheNextPort() {
        p2.attach(f -> {
            f.trimFront(14); // a stack strips the Ethernet header in place
            r2.receive(f);
        });
        p1.transmit(frame(pool, BROADCAST, A, 7));
        sw.poll(0);
        assertEquals(60, r3.frames.get(0).length);
        assertEquals(7, r3.ids().get(0));
        assertEquals(46, r2.frames.get(0).length);
    }

    @Test
    void aFullPortQueueDropsAndCounts() {
        VirtualSwitch s = new VirtualSwitch("small-queue", 16, Clock.seconds(300), 4);
        SwitchPort a = s.newPort("a", 1500);
        SwitchPort b = s.newPort("b", 1500);
        TestFrames.Recorder rb = new TestFrames.Recorder();
        b.attach(rb);
        for (int i = 0; i < 6; i++) {
            a.transmit(frame(pool, BROADCAST, A, i));
        }
        assertEquals(2, a.dropped());
        assertEquals(4, a.framesIn());
        s.poll(0);
        assertEquals(List.of(0, 1, 2, 3), rb.ids());
        assertEquals(4, b.framesOut());
    }

    @Test
    void framesToAPortWithNothingAttachedAreDroppedAndReleased() {
        VirtualSwitch s = new VirtualSwitch("s");
        SwitchPort a = s.newPort("a", 1500);
        SwitchPort unplugged = s.newPort("b", 1500);
        a.transmit(frame(pool, BROADCAST, A, 1));
        s.poll(0);
        assertEquals(1, unplugged.dropped());
    }

    /** The steady path moves frames without allocating: ring queues, primitive MAC table, no iterators. */
    @Test
    void steadyForwardingAllocatesNothing() {
        BufferPool quiet = new BufferPool(4096, false); // leak detection records a Throwable per acquire
        long[] seen = new long[1];
        p1.attach(f -> seen[0]++);
        p2.attach(f -> seen[0]++);
        p3.attach(f -> seen[0]++);
        Runnable burst = () -> {
            for (int i = 0; i < 200; i++) {
                p1.transmit(frame(quiet, B, A, i));
                p2.transmit(frame(quiet, A, B, i));
                p3.transmit(frame(quiet, BROADCAST, C, i));
            }
            sw.poll(0);
        };
        for (int i = 0; i < 200; i++) {
            burst.run(); // warm up: the JIT, the pool's free lists
        }
        long allocated = AllocationMeter.bytesAllocatedBy(() -> {
            for (int i = 0; i < 50; i++) {
                burst.run();
            }
        });
        long frames = 50L * 600;
        assertTrue(allocated < frames, "allocated " + allocated + " bytes for " + frames + " frames");
        assertTrue(seen[0] > frames);
        assertFalse(sw.nextDeadline() <= 0);
    }
}
