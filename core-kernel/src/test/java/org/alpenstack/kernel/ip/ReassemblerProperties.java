package org.alpenstack.kernel.ip;

import static org.alpenstack.kernel.wire.Ipv4Address.parse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.stack.Frames;
import org.alpenstack.kernel.stack.StackCounters;
import org.alpenstack.kernel.time.TimerWheel;
import org.alpenstack.kernel.wire.IpProtocol;
import org.alpenstack.kernel.wire.Ipv4Packet;

class ReassemblerProperties {
    static final int SRC = parse("10.0.0.2");
    static final int DST = parse("10.0.0.1");

    /** Any split into 8-byte-aligned pieces, in any order, with duplicates, reassembles exactly. */
    @Property(tries = 300)
    void anyOrderAnySplitReassemblesExactly(@ForAll @IntRange(min = 1, max = 65_000) int size,
                                            @ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] payload = new byte[size];
        rnd.nextBytes(payload);
        List<byte[]> frags = new ArrayList<>();
        int at = 0;
        while (at < size) {
            int n = Math.min(size - at, 8 * (1 + rnd.nextInt(400)));
            boolean more = at + n < size;
            frags.add(Frames.ipv4(SRC, DST, IpProtocol.UDP, 64, 42, (more ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | (at >>> 3),
                    Arrays.copyOfRange(payload, at, at + n)));
            at += n;
        }
        if (frags.size() == 1) {
            return; // not a fragment at all
        }
        int dups = rnd.nextInt(3);
        for (int i = 0; i < dups; i++) {
            frags.add(frags.get(rnd.nextInt(frags.size())));
        }
        Collections.shuffle(frags, rnd);
        BufferPool pool = new BufferPool();
        Reassembler r = new Reassembler(pool, new StackCounters(), new TimerWheel(), null);
        int completions = 0;
        for (byte[] f : frags) {
            PacketBuffer b = r.add(f, 0, 0);
            if (b != null) {
                // A duplicate arriving after completion starts a new datagram, which may complete
                // again if all its pieces come twice: each completion must be exact.
                completions++;
                byte[] got = Arrays.copyOfRange(b.array(), b.start() + 20, b.end());
                b.release();
                if (!Arrays.equals(payload, got)) {
                    r.clear();
                    throw new AssertionError("payload differs");
                }
            }
            if (r.memoryUsed() > r.memoryLimit()) {
                throw new AssertionError("over the limit");
            }
        }
        r.clear();
        if (completions < 1) {
            throw new AssertionError("never completed");
        }
        if (r.memoryUsed() != 0) {
            throw new AssertionError("memory left: " + r.memoryUsed());
        }
        pool.assertNoLeaks();
    }
}
