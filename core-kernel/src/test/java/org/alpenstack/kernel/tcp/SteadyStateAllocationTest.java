package org.alpenstack.kernel.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.sim.AllocationMeter;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.time.TimerWheel;
import org.junit.jupiter.api.Test;

/**
 * The bulk data path allocates nothing per segment once warm: parsing reuses one holder,
 * segments are built in pooled buffers, timers are intrusive, SACK/recovery state is arrays.
 * Two TCP layers are joined by a ring of preallocated slots so the harness allocates nothing
 * either.
 */
class SteadyStateAllocationTest {
    private static final int A = 0x0a000001;
    private static final int B = 0x0a000002;
    private static final int SLOTS = 8192;

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final byte[][] ring = new byte[SLOTS][1600];
    private final int[] ringLen = new int[SLOTS];
    private final int[] ringDst = new int[SLOTS];
    private final long[] ringAt = new long[SLOTS];
    private int head;
    private int tail;
    private final Side a = new Side(A, 1);
    private final Side b = new Side(B, 2);

    final class Side implements IpOutput {
        final int addr;
        final TimerWheel wheel = new TimerWheel();
        /** Without leak detection, which records an acquisition site per buffer. */
        final BufferPool pool = new BufferPool(4096, false);
        final TcpLayer tcp;
        final IpPacketInfo info = new IpPacketInfo();
        final PacketBuffer view = PacketBuffer.wrap(new byte[1], 0, 0);
        private int ids;

        Side(int addr, long seed) {
            this.addr = addr;
            this.tcp = new TcpLayer(this, pool, wheel, clock, new TcpTunables(), () -> ++ids, seed);
        }

        @Override
        public int send(PacketBuffer p, int src, int dst, int proto, int tos, int ttl, boolean df) {
            int slot = tail % SLOTS;
            assertTrue(tail - head < SLOTS, "ring overflow");
            System.arraycopy(p.array(), p.start(), ring[slot], 0, p.length());
            ringLen[slot] = p.length();
            ringDst[slot] = dst;
            ringAt[slot] = clock.nanos() + 500_000L;
            tail++;
            p.release();
            return 0;
        }

        @Override
        public int sourceAddressFor(int destination) {
            return addr;
        }

        @Override
        public int pathMtu(int destination) {
            return 1500;
        }

        @Override
        public boolean isLocalAddress(int address) {
            return address == addr;
        }
    }

    private void step() {
        long next = Math.min(a.wheel.nextDeadline(), b.wheel.nextDeadline());
        if (head != tail) {
            next = Math.min(next, ringAt[head % SLOTS]);
        }
        if (next > clock.nanos() && next != Long.MAX_VALUE) {
            clock.set(next);
        }
        long now = clock.nanos();
        while (head != tail && ringAt[head % SLOTS] <= now) {
            int slot = head++ % SLOTS;
            Side to = ringDst[slot] == A ? a : b;
            Side from = to == a ? b : a;
            to.info.clear();
            to.info.source = from.addr;
            to.info.destination = to.addr;
            to.info.protocol = 6;
            to.info.ttl = 64;
            to.view.rewrap(ring[slot], 0, ringLen[slot]);
            to.tcp.receive(to.info, to.view);
        }
        a.wheel.poll(now);
        b.wheel.poll(now);
    }

    @Test
    void bulkTransferAllocatesNothingPerSegment() {
        TcpSocket l = b.tcp.openSocket();
        assertEquals(0, l.bind(new InetEndpoint(0, 9)));
        assertEquals(0, l.listen(1));
        TcpSocket c = a.tcp.openSocket();
        assertEquals(-Errno.EINPROGRESS, c.connect(new InetEndpoint(B, 9)));
        TcpSocket[] s = new TcpSocket[1];
        for (int i = 0; i < 100 && s[0] == null; i++) {
            step();
            s[0] = l.accept();
        }
        byte[] out = new byte[65536];
        byte[] in = new byte[65536];
        long[] moved = new long[1];
        Runnable transfer = () -> {
            long target = moved[0] + (32L << 20);
            while (moved[0] < target) {
                c.write(out, 0, out.length);
                int n;
                while ((n = s[0].read(in, 0, in.length)) > 0) {
                    moved[0] += n;
                }
                step();
            }
        };
        transfer.run();
        long segmentsBefore = a.tcp.counters().segmentsOut + b.tcp.counters().segmentsOut;
        long allocated = AllocationMeter.bytesAllocatedBy(transfer);
        long segments = a.tcp.counters().segmentsOut + b.tcp.counters().segmentsOut - segmentsBefore;
        assertTrue(segments > 20_000, "segments " + segments);
        // a few hundred bytes of JIT/bookkeeping noise at most, never a per-segment cost
        assertTrue(allocated < 8192, "allocated " + allocated + " bytes for " + segments + " segments");
    }
}
