package org.alpenstack.tenant.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inbox carries each frame's bytes and the driver's word on its TCP/UDP checksum to the
 * instance's context, frame by frame (and a TCP super-frame's wire segment size): a frame offered without the word never arrives with it,
 * also when it shares a batch with frames that have it, and a recycled batch forgets it.
 */
class InboxTest {
    record Seen(byte[] bytes, boolean verified, int gsoSize) {
    }

    final List<Runnable> scheduled = new ArrayList<>();
    final Inbox inbox = new Inbox(2, new BatchPool(4, 4), () -> scheduled.add(null));

    List<Seen> drain() {
        List<Seen> seen = new ArrayList<>();
        inbox.drain(b -> {
            for (int i = 0; i < b.count; i++) {
                seen.add(new Seen(Arrays.copyOfRange(b.slab, b.offsets[i], b.offsets[i] + b.lengths[i]), b.checksumVerified[i], b.gsoSize[i]));
            }
        });
        return seen;
    }

    @Test
    void theChecksumWordTravelsWithItsFrameOnly() {
        byte[] f1 = {1, 2, 3};
        byte[] f2 = {4, 5};
        byte[] f3 = {6};
        assertTrue(inbox.offer(f1, 0, 3, true, 1448));
        assertTrue(inbox.offer(f2, 0, 2));
        assertTrue(inbox.offer(f3, 0, 1, false, 0));
        inbox.flush();
        assertEquals(1, scheduled.size());
        List<Seen> seen = drain();
        assertEquals(3, seen.size());
        assertArrayEquals(f1, seen.get(0).bytes());
        assertTrue(seen.get(0).verified());
        assertEquals(1448, seen.get(0).gsoSize(), "a super-frame's wire segment size travels with it");
        assertEquals(0, seen.get(1).gsoSize());
        assertEquals(0, seen.get(2).gsoSize());
        assertArrayEquals(f2, seen.get(1).bytes());
        assertEquals(false, seen.get(1).verified(), "offered without the driver's word (hairpin)");
        assertEquals(false, seen.get(2).verified());

        // The recycled batch is reused: the second round's first frame must not inherit the mark.
        assertTrue(inbox.offer(f2, 0, 2, false, 0));
        inbox.flush();
        seen = drain();
        assertEquals(1, seen.size());
        assertEquals(false, seen.get(0).verified());
        assertEquals(0, seen.get(0).gsoSize());
    }

    @Test
    void framesFlushedOneByOneShareABatchUntilTheOwnerDrains() {
        // An RX thread woken per frame flushes after each one; with 2 batches, sealing a batch
        // per flush would drop the third frame while the owner's context has not run yet.
        byte[] f = {7, 7};
        for (int i = 0; i < 100; i++) {
            assertTrue(inbox.offer(f, 0, 2), "frame " + i + " is kept");
            inbox.flush();
        }
        assertEquals(1, scheduled.size(), "one drain task for all the flushes");
        assertEquals(0, inbox.dropped());
        assertEquals(100, drain().size());

        // Frames offered while a drain is scheduled but before it runs are taken by it too.
        assertTrue(inbox.offer(f, 0, 2));
        inbox.flush();
        assertEquals(2, scheduled.size());
        assertTrue(inbox.offer(f, 0, 2));
        assertEquals(2, drain().size());
        inbox.flush();
        assertEquals(2, scheduled.size(), "nothing left to schedule for");
        assertEquals(0, drain().size());
    }

    @Test
    void afterABurstTheInboxHoldsNoneAndThePoolKeepsAFewForAnyInstance() {
        BatchPool pool = new BatchPool(4, 4);
        Inbox big = new Inbox(64, pool, () -> { });
        Inbox other = new Inbox(64, pool, () -> { });
        byte[] frame = new byte[200 * 1024]; // one per batch
        for (int i = 0; i < 20; i++) {
            assertTrue(big.offer(frame, 0, frame.length), "frame " + i);
        }
        big.flush();
        assertEquals(20, big.allocatedBatches(), "a burst takes what it needs, up to the limit");
        int[] frames = {0};
        for (int round = 0; round < 3; round++) { // a drain task hands over 8 batches at most
            big.drain(b -> frames[0] += b.count);
        }
        assertEquals(20, frames[0]);
        assertEquals(0, big.allocatedBatches(), "an idle inbox holds no batch");
        assertEquals(4, pool.idle(), "the pool keeps a few for the next burst");
        assertEquals(20, pool.created());
        // Steady traffic to either instance reuses them without allocating.
        for (int i = 0; i < 100; i++) {
            Inbox to = i % 2 == 0 ? big : other;
            assertTrue(to.offer(frame, 0, frame.length));
            to.flush();
            to.drain(b -> frames[0] += b.count);
        }
        assertEquals(20, pool.created());
        assertEquals(120, frames[0]);
        assertEquals(0, big.dropped());
    }

    @Test
    void aBurstStartsInASmallBatchThatABroadcastToManyInstancesReuses() {
        BatchPool pool = new BatchPool(4, 100);
        List<Inbox> instances = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            instances.add(new Inbox(64, pool, () -> { }));
        }
        byte[] arp = new byte[60];
        for (int round = 0; round < 10; round++) {
            for (Inbox in : instances) {
                assertTrue(in.offer(arp, 0, arp.length));
            }
            for (Inbox in : instances) {
                in.drain(b -> assertEquals(BatchPool.SMALL_BYTES, b.capacity(), "a lone small frame takes a small batch"));
            }
        }
        assertEquals(100, pool.created(), "ten broadcasts to 100 instances: 100 small batches, reused");
        // A burst fills its small batch and goes on in large ones.
        Inbox one = instances.get(0);
        byte[] frame = new byte[1500];
        for (int i = 0; i < 20; i++) {
            assertTrue(one.offer(frame, 0, frame.length));
        }
        List<Integer> sizes = new ArrayList<>();
        one.drain(b -> sizes.add(b.capacity()));
        assertEquals(List.of(BatchPool.SMALL_BYTES, Inbox.BATCH_BYTES), sizes);
    }

    @Test
    void aFullInboxDropsAndCountsWithoutTouchingThePool() {
        BatchPool pool = new BatchPool(4, 4);
        Inbox small = new Inbox(2, pool, () -> { });
        byte[] frame = new byte[200 * 1024];
        assertTrue(small.offer(frame, 0, frame.length));
        assertTrue(small.offer(frame, 0, frame.length));
        assertEquals(false, small.offer(frame, 0, frame.length), "a third batch is beyond the limit");
        assertEquals(1, small.dropped());
        assertEquals(2, pool.created());
        small.drain(b -> { });
        assertEquals(2, pool.idle());
    }
}
