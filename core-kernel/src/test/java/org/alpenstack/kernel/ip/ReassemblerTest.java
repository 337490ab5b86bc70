package org.alpenstack.kernel.ip;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.stack.DropReason;
import org.alpenstack.kernel.stack.Frames;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReassemblerTest {
    static final int SRC = parse("10.0.0.2");
    static final int DST = parse("10.0.0.1");
    static final int MF = Ipv4Packet.FLAG_MORE_FRAGMENTS;

    BufferPool pool = new BufferPool();
    StackCounters counters = new StackCounters();
    TimerWheel wheel = new TimerWheel();
    List<byte[]> timedOut = new ArrayList<>();
    Reassembler r = new Reassembler(pool, counters, wheel, (a, off, len) -> {
        byte[] c = new byte[len];
        System.arraycopy(a, off, c, 0, len);
        timedOut.add(c);
    });

    @AfterEach
    void noLeaks() {
        r.clear();
        pool.assertNoLeaks();
    }

    static byte[] data(int n, long seed) {
        byte[] d = new byte[n];
        new Random(seed).nextBytes(d);
        return d;
    }

    /** Fragments of {@code payload} as IPv4 packets, {@code chunk} payload bytes each (a multiple of 8). */
    static List<byte[]> fragments(int id, byte[] payload, int chunk) {
        List<byte[]> out = new ArrayList<>();
        for (int at = 0; at < payload.length; at += chunk) {
            int n = Math.min(chunk, payload.length - at);
            byte[] piece = new byte[n];
            System.arraycopy(payload, at, piece, 0, n);
            int flags = (at + n < payload.length ? MF : 0) | (at >>> 3);
            out.add(Frames.ipv4(SRC, DST, IpProtocol.UDP, 64, id, flags, piece));
        }
        return out;
    }

    static byte[] fragment(int id, int offset, boolean more, int len) {
        return Frames.ipv4(SRC, DST, IpProtocol.UDP, 64, id, (more ? MF : 0) | (offset >>> 3), new byte[len]);
    }

    PacketBuffer add(byte[] p) {
        return r.add(p, 0, 0);
    }

    @Test
    void outOfOrderFragmentsOfA60000ByteDatagramArriveIntact() {
        byte[] payload = data(60_008, 1);
        List<byte[]> frags = fragments(77, payload, 1480);
        assertEquals(41, frags.size());
        Collections.shuffle(frags, new Random(42));
        PacketBuffer whole = null;
        for (int i = 0; i < frags.size(); i++) {
            PacketBuffer b = add(frags.get(i));
            if (i < frags.size() - 1) {
                assertNull(b, "complete only with the last missing piece");
            } else {
                whole = b;
            }
        }
        assertNotNull(whole);
        byte[] a = whole.array();
        int h = whole.start();
        assertEquals(20 + 60_008, whole.length());
        assertEquals(20 + 60_008, Ipv4Packet.totalLength(a, h));
        assertEquals(0, Ipv4Packet.flagsAndFragmentOffset(a, h) & (MF | Ipv4Packet.FRAGMENT_OFFSET_MASK));
        assertTrue(Ipv4Packet.verifyChecksum(a, h));
        byte[] got = new byte[60_008];
        System.arraycopy(a, h + 20, got, 0, got.length);
        assertArrayEquals(payload, got);
        whole.release();
        assertEquals(0, r.memoryUsed());
        assertEquals(0, r.datagramsInProgress());
    }

    @Test
    void anOverlappingFragmentDiscardsTheWholeDatagram() {
        assertNull(add(fragment(5, 0, true, 1480)));
        assertNull(add(fragment(5, 1480, true, 1480)));
        // Starts inside what we hold and runs past it: a teardrop-style overlap.
        assertNull(add(fragment(5, 2952, false, 100)));
        assertEquals(1, counters.drops(DropReason.IPV4_FRAG_OVERLAP));
        assertEquals(0, r.datagramsInProgress());
        assertEquals(0, r.memoryUsed());
        // The rest of the datagram cannot complete it any more: it starts a new, incomplete one.
        assertNull(add(fragment(5, 2960, false, 8)));
        assertEquals(1, r.datagramsInProgress());
    }

    @Test
    void aFragmentInsideDataWeHoldIsADuplicateNotAnOverlap() {
        assertNull(add(fragment(6, 0, true, 1480)));
        assertNull(add(fragment(6, 1480, true, 1480)));
        assertNull(add(fragment(6, 1000, true, 800)), "inside the merged run [0, 2960)");
        assertEquals(1, counters.drops(DropReason.IPV4_FRAG_DUPLICATE));
        assertEquals(0, counters.drops(DropReason.IPV4_FRAG_OVERLAP));
        assertEquals(1, r.datagramsInProgress());
    }

    @Test
    void anExactDuplicateIsDroppedAloneAndTheDatagramStillCompletes() {
        byte[] payload = data(3000, 2);
        List<byte[]> frags = fragments(9, payload, 1480);
        assertNull(add(frags.get(0)));
        assertNull(add(frags.get(0)));
        assertEquals(1, counters.drops(DropReason.IPV4_FRAG_DUPLICATE));
        assertNull(add(frags.get(1)));
        PacketBuffer whole = add(frags.get(2));
        assertNotNull(whole);
        whole.release();
    }

    @Test
    void tenThousandBogusOverlappingFragmentsStayWithinTheMemoryLimit() {
        r.setMemoryLimit(1024 * 1024);
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            int id = rnd.nextInt(64);
            int off = rnd.nextInt(8000) & ~7;
            int len = 8 + (rnd.nextInt(180) & ~7);
            assertNull(add(fragment(id, off, true, len)));
            assertTrue(r.memoryUsed() <= r.memoryLimit(), "memory " + r.memoryUsed() + " after fragment " + i);
        }
        assertTrue(r.peakMemory() <= 1024 * 1024, "peak " + r.peakMemory());
        assertTrue(counters.drops(DropReason.IPV4_FRAG_OVERLAP) > 500, "overlaps discard datagrams: " + counters.snapshot().drops());
    }

    @Test
    void tenThousandDistinctDatagramsAreCappedByCountAndMemory() {
        r.setMemoryLimit(200_000);
        for (int i = 0; i < 10_000; i++) {
            // Each claims a far offset so its buffer would have to grow to 64 KiB.
            assertNull(add(fragment(i, (i % 2 == 0) ? 0 : 60_000, true, 512)));
            assertTrue(r.memoryUsed() <= 200_000);
        }
        assertTrue(r.datagramsInProgress() <= Reassembler.DEFAULT_MAX_DATAGRAMS);
        assertTrue(r.peakMemory() <= 200_000, "peak " + r.peakMemory());
        assertTrue(counters.drops(DropReason.IPV4_FRAG_MEMORY_LIMIT) > 9000);
    }

    @Test
    void incompleteDatagramsTimeOutAfter30SecondsAndFreeTheirMemory() {
        assertNull(r.add(fragment(1, 0, true, 1480), 0, 0));
        assertNull(r.add(fragment(2, 1480, false, 100), 0, Clock.seconds(10)));
        assertTrue(r.memoryUsed() > 0);
        wheel.poll(Clock.seconds(29));
        assertEquals(2, r.datagramsInProgress());
        wheel.poll(Clock.seconds(30) + Clock.millis(5));
        assertEquals(1, r.datagramsInProgress());
        assertEquals(1, timedOut.size(), "the datagram with its first fragment is reported for ICMP time exceeded");
        assertEquals(20 + 8, timedOut.get(0).length, "its header and 8 bytes of data");
        wheel.poll(Clock.seconds(41));
        assertEquals(0, r.datagramsInProgress());
        assertEquals(1, timedOut.size(), "no first fragment, no ICMP (RFC 792)");
        assertEquals(0, r.memoryUsed());
        assertEquals(2, counters.drops(DropReason.IPV4_FRAG_TIMEOUT));
    }

    @Test
    void malformedFragmentsAreDroppedAndCounted() {
        assertNull(add(fragment(1, 65_528, false, 100)));
        assertEquals(1, counters.drops(DropReason.IPV4_FRAG_TOO_BIG), "ping of death");
        assertNull(add(fragment(2, 0, true, 100)));
        assertEquals(1, counters.drops(DropReason.IPV4_FRAG_BAD_OFFSET), "non-final fragment not a multiple of 8");
        assertNull(add(fragment(3, 0, true, 1480)));
        assertNull(add(fragment(3, 2960, false, 16)));
        assertNull(add(fragment(3, 4000, false, 16)));
        assertEquals(2, counters.drops(DropReason.IPV4_FRAG_BAD_OFFSET), "two different last fragments");
        assertEquals(0, r.datagramsInProgress());
    }
}
