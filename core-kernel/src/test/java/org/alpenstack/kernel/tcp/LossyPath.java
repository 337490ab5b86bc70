package org.alpenstack.kernel.tcp;

import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.ip.IpOutput;
import org.alpenstack.kernel.ip.IpPacketInfo;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.time.TimerWheel;

/**
 * Two TCP layers joined by a simulated IP path that loses, reorders and duplicates segments,
 * on one manual clock: the TCP-only counterpart of a VirtualSwitch with a FaultInjector, so the
 * engine's end-to-end guarantees can be checked without the IP layer.
 */
final class LossyPath {
    static final int A_ADDR = 0x0a000001;
    static final int B_ADDR = 0x0a000002;

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final Random rnd;
    double loss;
    double reorder;
    double duplicate;
    long delayNanos = 1_000_000L;
    /** Extra delay of a reordered segment, uniformly up to this. */
    long reorderNanos = 3_000_000L;
    /**
     * A bottleneck in each direction (0: none): segments are serialised at this rate (IP header
     * included) behind a drop-tail queue of {@link #queueBytes}, like a router's output port.
     */
    long bottleneckBitsPerSecond;
    int queueBytes = 256 * 1024;
    /** Segments the bottleneck queue refused (congestion losses, apart from the random ones). */
    long queueDrops;
    /** If set, sees every segment a side sends (before any loss) and every one delivered to a side. */
    Observer observer;

    interface Observer {
        void sent(Side from, Wire w);

        void delivering(Side to, Wire w);

        void delivered(Side to, Wire w);
    }
    final Side a;
    final Side b;
    private final PriorityQueue<InFlight> network = new PriorityQueue<>();
    private long order;
    long delivered;
    long dropped;
    /** The last segments put on the path, for failure messages. */
    final java.util.ArrayDeque<String> trace = new java.util.ArrayDeque<>();
    boolean tracing;

    private record InFlight(long at, long order, byte[] bytes, int src, int dst, Side to) implements Comparable<InFlight> {
        @Override
        public int compareTo(InFlight o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }
    }

    LossyPath(long seed, TcpTunables tunables) {
        this.rnd = new Random(seed);
        this.a = new Side(A_ADDR, tunables, seed + 1);
        this.b = new Side(B_ADDR, tunables, seed + 2);
        a.peer = b;
        b.peer = a;
    }

    final class Side implements IpOutput {
        final int address;
        final TimerWheel wheel = new TimerWheel();
        final BufferPool pool = new BufferPool();
        final TcpLayer tcp;
        Side peer;
        private final IpPacketInfo info = new IpPacketInfo();
        private int ids = 1;
        /** When the bottleneck in front of this side's transmissions is next free. */
        private long linkFree;

        Side(int address, TcpTunables tunables, long seed) {
            this.address = address;
            this.tcp = new TcpLayer(this, pool, wheel, clock, tunables, () -> ids++, seed);
        }

        @Override
        public int send(PacketBuffer payload, int source, int destination, int protocol, int tos, int ttl, boolean df) {
            if (payload.length() + 20 > 1500) {
                payload.release();
                throw new AssertionError("segment of " + payload.length() + " bytes exceeds the 1500-byte MTU");
            }
            byte[] bytes = new byte[payload.length()];
            System.arraycopy(payload.array(), payload.start(), bytes, 0, bytes.length);
            payload.release();
            if (observer != null) {
                observer.sent(this, Wire.decode(bytes, 0, bytes.length, source, destination));
            }
            boolean lost = rnd.nextDouble() < loss;
            if (tracing) {
                Wire w = Wire.decode(bytes, 0, bytes.length, source, destination);
                trace.add((clock.nanos() / 1_000_000) + "ms " + (address == A_ADDR ? "A>B " : "B>A ") + (lost ? "LOST " : "") + w);
                if (trace.size() > 60) {
                    trace.poll();
                }
            }
            if (lost) {
                dropped++;
                return 0;
            }
            long departs = clock.nanos();
            if (bottleneckBitsPerSecond > 0) {
                long now = clock.nanos();
                long start = Math.max(now, linkFree);
                long queued = (start - now) * bottleneckBitsPerSecond / 8_000_000_000L;
                if (queued + bytes.length + 20 > queueBytes) {
                    queueDrops++;
                    dropped++;
                    return 0;
                }
                linkFree = start + (bytes.length + 20) * 8_000_000_000L / bottleneckBitsPerSecond;
                departs = linkFree;
            }
            int copies = rnd.nextDouble() < duplicate ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                long at = departs + delayNanos;
                if (rnd.nextDouble() < reorder) {
                    at += 1 + (long) (rnd.nextDouble() * reorderNanos);
                }
                network.add(new InFlight(at, order++, bytes, source, destination, peer));
            }
            return 0;
        }

        void deliver(InFlight f) {
            info.clear();
            info.source = f.src;
            info.destination = f.dst;
            info.protocol = 6;
            info.ttl = 64;
            Wire w = observer == null ? null : Wire.decode(f.bytes, 0, f.bytes.length, f.src, f.dst);
            if (w != null) {
                observer.delivering(this, w);
            }
            tcp.receive(info, PacketBuffer.wrap(f.bytes, 0, f.bytes.length));
            if (w != null) {
                observer.delivered(this, w);
            }
        }

        @Override
        public int sourceAddressFor(int destination) {
            return address;
        }

        @Override
        public int pathMtu(int destination) {
            return 1500;
        }

        @Override
        public boolean isLocalAddress(int addr) {
            return addr == address;
        }
    }

    /**
     * Runs the network, both stacks' timers and {@code pump} (the applications) until
     * {@code done} or {@code maxNanos} of simulated time; returns whether done.
     */
    boolean run(Runnable pump, BooleanSupplier done, long maxNanos) {
        long end = clock.nanos() + maxNanos;
        while (true) {
            pump.run();
            if (done.getAsBoolean()) {
                return true;
            }
            long next = Math.min(a.wheel.nextDeadline(), b.wheel.nextDeadline());
            InFlight head = network.peek();
            if (head != null) {
                next = Math.min(next, head.at);
            }
            if (next == Clock.NEVER || next > end) {
                return false;
            }
            if (next > clock.nanos()) {
                clock.set(next);
            }
            long now = clock.nanos();
            while ((head = network.peek()) != null && head.at <= now) {
                network.poll();
                delivered++;
                head.to.deliver(head);
            }
            a.wheel.poll(now);
            b.wheel.poll(now);
        }
    }
}
