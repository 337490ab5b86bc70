package org.alpenstack.kernel.link;

import static org.alpenstack.kernel.link.TestFrames.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {
    private static final long A = 0x02_00_00_00_00_0aL;
    private static final long B = 0x02_00_00_00_00_0bL;
    private static final long MS = Clock.millis(1);

    private final BufferPool pool = new BufferPool(4096, true);
    private final ManualClock clock = new ManualClock(1_000 * MS);

    /**
     * The link below the injector: records what is transmitted (then releases it, as a driver
     * would) and lends received frames from one reused array, like an RX ring, which it
     * overwrites as soon as the receiver returns.
     */
    private final class WireLink implements Link {
        final TestFrames.Recorder sent = new TestFrames.Recorder();
        final List<Long> sentAt = new ArrayList<>();
        private final byte[] ring = new byte[2048];
        private final PacketBuffer lent = PacketBuffer.wrap(ring, 0, 0);
        private FrameReceiver receiver;

        @Override
        public void transmit(PacketBuffer frame) {
            sent.receive(frame);
            sentAt.add(clock.nanos());
            frame.release();
        }

        void arrive(byte[] frame) {
            System.arraycopy(frame, 0, ring, 0, frame.length);
            receiver.receive(lent.rewrap(ring, 0, frame.length));
            Arrays.fill(ring, (byte) 0xee); // the slot is reused at once
        }

        @Override
        public void attach(FrameReceiver r) {
            receiver = r;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public String name() {
            return "wire";
        }
    }

    private final WireLink wire = new WireLink();
    private final List<FaultInjector> injectors = new ArrayList<>();

    private FaultInjector inject(Link inner, long seed) {
        FaultInjector f = new FaultInjector(inner, clock, pool, seed);
        injectors.add(f);
        return f;
    }

    @AfterEach
    void everyBufferReleasedExactlyOnce() {
        injectors.forEach(FaultInjector::discardPending);
        pool.assertNoLeaks();
    }

    private static byte[] bytes(BufferPool pool, int id) {
        PacketBuffer b = frame(pool, B, A, id);
        byte[] a = Arrays.copyOfRange(b.array(), b.start(), b.end());
        b.release();
        return a;
    }

    /** Drives an injector on the clock until it holds nothing more. */
    private void drain(FaultInjector f) {
        while (f.nextDeadline() != Clock.NEVER) {
            clock.set(Math.max(clock.nanos(), f.nextDeadline()));
            f.poll(clock.nanos());
        }
    }

    @Test
    void withoutFaultsFramesPassBothWaysUntouchedAndReceivedOnesAreNotCopied() {
        FaultInjector f = inject(wire, 1);
        TestFrames.Recorder up = new TestFrames.Recorder();
        long[] outstandingDuringReceive = new long[1];
        f.attach(frame -> {
            outstandingDuringReceive[0] = pool.outstandingCount();
            up.receive(frame);
        });
        for (int i = 0; i < 5; i++) {
            f.transmit(frame(pool, B, A, i));
            wire.arrive(bytes(pool, 100 + i));
        }
        assertEquals(List.of(0, 1, 2, 3, 4), wire.sent.ids());
        assertEquals(List.of(100, 101, 102, 103, 104), up.ids());
        assertEquals(0, outstandingDuringReceive[0], "a lent frame is passed on, not copied");
        assertEquals(Clock.NEVER, f.nextDeadline());
        assertEquals(5, f.transmitCounters().delivered());
        assertEquals(5, f.receiveCounters().delivered());
    }

    private List<Integer> sendThroughLossyLink(long seed, int n) {
        WireLink w = new WireLink();
        FaultInjector f = inject(w, seed);
        f.transmit().lossRate(0.3);
        for (int i = 0; i < n; i++) {
            f.transmit(frame(pool, B, A, i));
        }
        assertEquals(n, f.transmitCounters().frames());
        assertEquals(n - w.sent.frames.size(), f.transmitCounters().lost());
        return w.sent.ids();
    }

    @Test
    void lossFollowsTheRateAndTheSameSeedReplaysExactly() {
        List<Integer> first = sendThroughLossyLink(42, 10_000);
        int lost = 10_000 - first.size();
        assertTrue(lost > 2_800 && lost < 3_200, "lost " + lost + " of 10000 at 30%");
        assertEquals(first, sendThroughLossyLink(42, 10_000), "same seed, same traffic: same losses");
        assertNotEquals(first, sendThroughLossyLink(43, 10_000), "another seed loses other frames");
    }

    @Test
    void duplicationSendsEachFrameTwice() {
        FaultInjector f = inject(wire, 7);
        f.transmit().duplicateRate(1.0);
        for (int i = 0; i < 3; i++) {
            f.transmit(frame(pool, B, A, i));
        }
        assertEquals(List.of(0, 0, 1, 1, 2, 2), wire.sent.ids());
        assertEquals(3, f.transmitCounters().duplicated());
        assertArrayEquals(wire.sent.frames.get(0), wire.sent.frames.get(1));
    }

    @Test
    void reorderingSwapsAFrameWithItsSuccessorOrReleasesItAfterTheHoldTime() {
        FaultInjector f = inject(wire, 7);
        f.transmit().reorderRate(1.0).reorderHoldNanos(5 * MS);
        for (int i = 1; i <= 5; i++) {
            f.transmit(frame(pool, B, A, i));
        }
        assertEquals(List.of(2, 1, 4, 3), wire.sent.ids(), "frame 5 is held, waiting for a successor");
        assertEquals(clock.nanos() + 5 * MS, f.nextDeadline());
        f.poll(clock.nanos() + 5 * MS - 1);
        assertEquals(4, wire.sent.frames.size());
        clock.advance(5 * MS);
        f.poll(clock.nanos());
        assertEquals(List.of(2, 1, 4, 3, 5), wire.sent.ids());
        assertEquals(3, f.transmitCounters().reordered());
        assertEquals(Clock.NEVER, f.nextDeadline());
    }

    @Test
    void corruptionFlipsExactlyOneBitAndLeavesTheLentOriginalAlone() {
        FaultInjector f = inject(wire, 99);
        f.transmit().corruptRate(1.0);
        f.receive().corruptRate(1.0);
        List<byte[]> lentSeen = new ArrayList<>();
        TestFrames.Recorder up = new TestFrames.Recorder();
        f.attach(up);
        for (int i = 0; i < 200; i++) {
            f.transmit(frame(pool, B, A, i));
            byte[] original = bytes(pool, i);
            wire.arrive(original);
            lentSeen.add(original);
        }
        for (int i = 0; i < 200; i++) {
            byte[] clean = bytes(pool, i);
            assertEquals(1, bitsDiffering(clean, wire.sent.frames.get(i)), "tx frame " + i);
            assertEquals(1, bitsDiffering(clean, up.frames.get(i)), "rx frame " + i);
        }
        assertEquals(200, f.transmitCounters().corrupted());
        assertEquals(200, f.receiveCounters().corrupted());
    }

    private static int bitsDiffering(byte[] a, byte[] b) {
        assertEquals(a.length, b.length);
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Integer.bitCount((a[i] ^ b[i]) & 0xff);
        }
        return n;
    }

    @Test
    void delayAndJitterKeepEachFrameWithinItsWindowAndNextDeadlineIsExact() {
        FaultInjector f = inject(wire, 5);
        f.transmit().delayNanos(10 * MS).jitterNanos(2 * MS);
        long start = clock.nanos();
        for (int i = 0; i < 100; i++) {
            f.transmit(frame(pool, B, A, i));
            clock.advance(100_000); // 0.1 ms apart
        }
        assertTrue(wire.sent.frames.isEmpty());
        long sentEnd = clock.nanos();
        List<Long> polls = new ArrayList<>();
        while (f.nextDeadline() != Clock.NEVER) {
            long next = f.nextDeadline();
            clock.set(Math.max(clock.nanos(), next));
            int before = wire.sent.frames.size();
            f.poll(clock.nanos());
            if (next >= sentEnd) {
                assertTrue(wire.sent.frames.size() > before, "nothing was due at the reported deadline " + next);
            }
            polls.add(next);
        }
        assertEquals(100, wire.sent.frames.size());
        for (int k = 0; k < 100; k++) {
            int id = wire.sent.ids().get(k);
            long sentAt = start + id * 100_000L;
            long latency = wire.sentAt.get(k) - sentAt;
            assertTrue(latency >= 8 * MS && latency <= 12 * MS + 100_000, "frame " + id + " latency " + latency);
        }
        assertEquals(100, f.transmitCounters().delayed());
        assertTrue(!wire.sent.ids().equals(new ArrayList<>(wire.sent.ids()).stream().sorted().toList()),
                "2 ms of jitter on frames 0.1 ms apart reorders some of them, as netem does");
    }

    @Test
    void delayedReceivedFramesAreCopiedBecauseTheLinkOnlyLendsThem() {
        FaultInjector f = inject(wire, 3);
        f.receive().delayNanos(3 * MS);
        TestFrames.Recorder up = new TestFrames.Recorder();
        f.attach(up);
        wire.arrive(bytes(pool, 1));
        wire.arrive(bytes(pool, 2));
        assertTrue(up.frames.isEmpty());
        assertEquals(2, pool.outstandingCount(), "two copies wait in the delay line");
        clock.advance(3 * MS);
        f.poll(clock.nanos());
        assertEquals(List.of(1, 2), up.ids());
        assertArrayEquals(bytes(pool, 2), up.frames.get(1), "content survived the RX slot being overwritten");
        assertEquals(0, pool.outstandingCount());
    }

    @Test
    void ratesChangeAtRunTime() {
        FaultInjector f = inject(wire, 11);
        f.transmit().lossRate(1.0);
        f.transmit(frame(pool, B, A, 1));
        f.transmit().lossRate(0.0);
        f.transmit(frame(pool, B, A, 2));
        f.transmit().delayNanos(MS);
        f.transmit(frame(pool, B, A, 3));
        f.transmit().clear();
        f.transmit(frame(pool, B, A, 4));
        assertEquals(List.of(2, 4), wire.sent.ids());
        drain(f);
        assertEquals(List.of(2, 4, 3), wire.sent.ids());
        assertEquals(1, f.transmitCounters().lost());
    }

    @Test
    void everythingTogetherStillReleasesEveryBufferOnce() {
        FaultInjector f = inject(wire, 2024);
        TestFrames.Recorder up = new TestFrames.Recorder();
        f.attach(up);
        for (FaultConfig c : List.of(f.transmit(), f.receive())) {
            c.lossRate(0.1).duplicateRate(0.1).reorderRate(0.2).corruptRate(0.1).delayNanos(MS).jitterNanos(MS / 2);
        }
        for (int i = 0; i < 2_000; i++) {
            f.transmit(frame(pool, B, A, i));
            wire.arrive(bytes(pool, i));
            clock.advance(10_000);
            f.poll(clock.nanos());
        }
        drain(f);
        FaultCounters tx = f.transmitCounters();
        assertEquals(2_000 - tx.lost() + tx.duplicated(), wire.sent.frames.size());
        FaultCounters rx = f.receiveCounters();
        assertEquals(2_000 - rx.lost() + rx.duplicated(), up.frames.size());
        assertEquals(0, f.pendingFrames());
    }

    @Test
    void discardingPendingFramesReleasesThem() {
        FaultInjector f = inject(wire, 1);
        f.transmit().delayNanos(MS);
        f.receive().reorderRate(1.0);
        f.transmit(frame(pool, B, A, 1));
        wire.arrive(bytes(pool, 2));
        assertEquals(2, f.pendingFrames());
        f.discardPending();
        assertEquals(0, f.pendingFrames());
        assertEquals(0, pool.outstandingCount());
    }

    @Test
    void rejectsImpossibleSettings() {
        FaultConfig c = new FaultConfig();
        assertThrows(IllegalArgumentException.class, () -> c.lossRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> c.corruptRate(-0.1));
        assertThrows(IllegalArgumentException.class, () -> c.duplicateRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> c.delayNanos(-1));
        assertThrows(IllegalArgumentException.class, () -> c.jitterNanos(-1));
        assertEquals(0.0, c.lossRate());
    }

    @Test
    void steadyDamagedTrafficAllocatesNothingPerFrame() {
        BufferPool quiet = new BufferPool(4096, false);
        LoopbackLink lo = new LoopbackLink();
        FaultInjector f = new FaultInjector(lo, clock, quiet, 77);
        f.transmit().lossRate(0.1).duplicateRate(0.1).reorderRate(0.1).corruptRate(0.1).delayNanos(MS).jitterNanos(MS / 2);
        f.receive().lossRate(0.1).duplicateRate(0.1).reorderRate(0.1).corruptRate(0.1).delayNanos(MS);
        long[] seen = new long[1];
        f.attach(frame -> seen[0]++);
        Runnable burst = () -> {
            for (int i = 0; i < 100; i++) {
                f.transmit(frame(quiet, A, A, i));
                clock.advance(20_000);
                lo.poll(clock.nanos());
                f.poll(clock.nanos());
            }
        };
        for (int i = 0; i < 300; i++) {
            burst.run();
        }
        long allocated = org.alpenstack.kernel.sim.AllocationMeter.bytesAllocatedBy(() -> {
            for (int i = 0; i < 50; i++) {
                burst.run();
            }
        });
        assertTrue(allocated < 5_000, "allocated " + allocated + " bytes for 5000 frames");
        assertTrue(seen[0] > 0);
        f.discardPending();
        lo.discardQueued();
        quiet.assertNoLeaks();
    }
}
