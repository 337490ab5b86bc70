package org.alpenstack.kernel.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.link.VirtualSwitch;
import org.alpenstack.kernel.sim.Simulation;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.kernel.socket.InetEndpoint;
import org.alpenstack.kernel.stack.NetStack;
import org.alpenstack.kernel.tcp.TcpSocket;
import org.alpenstack.kernel.tcp.TcpState;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.ManualClock;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;

/**
 * Bulk TCP throughput between two whole stacks (Ethernet, ARP, IPv4, TCP) on an in-memory
 * switch, on one thread: what the stack itself costs, with no NIC, no system call and no copy
 * beyond its own. Prints Gbit/s of payload (wall clock) and CPU seconds per GB moved.
 *
 * <p>Run it with {@code bench/tcp-inmemory [MiB] [runs] [cc]} (see the README); it is a
 * benchmark, not a test, so it asserts nothing but that the bytes arrived.
 */
public final class InMemoryTcpBenchmark {
    private static final int A = Ipv4Address.parse("10.0.0.1");
    private static final int B = Ipv4Address.parse("10.0.0.2");

    private InMemoryTcpBenchmark() {
    }

    public static void main(String[] args) {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String cc = args.length > 2 ? args[2] : "cubic";
        System.out.printf(Locale.ROOT, "in-memory TCP bulk transfer: %d MiB per run, %d runs (+1 warm-up), %s, MTU 1500, "
                + "one thread%n", mib, runs, cc);
        run(Math.min(mib, 256), cc); // warm-up: let the JIT compile the hot path
        double[] gbps = new double[runs];
        double[] cpuPerGb = new double[runs];
        for (int i = 0; i < runs; i++) {
            Result r = run(mib, cc);
            gbps[i] = r.bytes * 8.0 / r.wallNanos;
            cpuPerGb[i] = (r.cpuNanos / 1e9) / (r.bytes / 1e9);
            System.out.printf(Locale.ROOT, "run %d: %.2f Gbit/s payload, %.3f CPU s/GB, %d segments out, %d retransmitted%n",
                    i + 1, gbps[i], cpuPerGb[i], r.segmentsOut, r.retransmits);
        }
        java.util.Arrays.sort(gbps);
        java.util.Arrays.sort(cpuPerGb);
        System.out.printf(Locale.ROOT, "throughput Gbit/s: min %.2f median %.2f max %.2f%n",
                gbps[0], gbps[runs / 2], gbps[runs - 1]);
        System.out.printf(Locale.ROOT, "CPU s per GB:      min %.3f median %.3f max %.3f%n",
                cpuPerGb[0], cpuPerGb[runs / 2], cpuPerGb[runs - 1]);
    }

    private record Result(long bytes, long wallNanos, long cpuNanos, long segmentsOut, long retransmits) {
    }

    private static Result run(long mib, String cc) {
        ManualClock clock = new ManualClock(1_000_000_000L);
        BufferPool pool = new BufferPool(4096, false);
        Simulation sim = new Simulation(clock);
        VirtualSwitch sw = new VirtualSwitch("sw");
        NetStack a = new NetStack("a", pool, clock);
        NetStack b = new NetStack("b", pool, clock);
        a.addInterface("eth0", sw.newPort("a", 1500), new MacAddress(0x02_00_00_00_00_01L));
        b.addInterface("eth0", sw.newPort("b", 1500), new MacAddress(0x02_00_00_00_00_02L));
        check(a.addAddress("eth0", A, 24));
        check(b.addAddress("eth0", B, 24));
        a.tcp().tunables().setCongestionControl(cc);
        b.tcp().tunables().setCongestionControl(cc);
        sim.add(sw);
        sim.add(a);
        sim.add(b);

        TcpSocket listener = b.openTcp();
        check(listener.bind(new InetEndpoint(0, 9)));
        check(listener.listen(8));
        TcpSocket client = a.openTcp();
        client.connect(new InetEndpoint(B, 9));
        TcpSocket[] server = new TcpSocket[1];
        sim.runUntil(() -> client.state() == TcpState.ESTABLISHED && (server[0] = listener.accept()) != null,
                Clock.seconds(10));
        if (server[0] == null) {
            throw new IllegalStateException("no connection: " + client.state());
        }
        TcpSocket srv = server[0];

        long total = mib << 20;
        byte[] out = new byte[256 * 1024];
        byte[] in = new byte[256 * 1024];
        new java.util.Random(1).nextBytes(out);
        long[] written = {0};
        long[] read = {0};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        // The applications run between simulation steps: the sender keeps the send buffer full,
        // the receiver drains as fast as it can (a discard server).
        boolean done = sim.runUntil(() -> {
            while (written[0] < total) {
                int w = client.write(out, 0, (int) Math.min(out.length, total - written[0]));
                if (w == -Errno.EAGAIN) {
                    break;
                }
                check(w);
                written[0] += w;
            }
            int n;
            while ((n = srv.read(in, 0, in.length)) > 0) {
                read[0] += n;
            }
            return read[0] == total;
        }, Clock.seconds(3600));
        long wall = System.nanoTime() - t0;
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        if (!done) {
            throw new IllegalStateException("transfer stalled at " + read[0] + " of " + total + " bytes");
        }
        long segs = a.tcp().counters().segmentsOut;
        long rtx = a.tcp().counters().retransmittedSegments;
        client.close();
        srv.close();
        listener.close();
        return new Result(total, wall, cpu, segs, rtx);
    }

    private static void check(int r) {
        if (r < 0) {
            throw new IllegalStateException(Errno.name(r));
        }
    }
}
