package org.alpenstack.kernel.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;
import org.alpenstack.kernel.buf.BufferPool;
import org.alpenstack.kernel.link.VirtualSwitch;
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
 * The heap an idle TCP connection costs: a client stack opens {@code n} connections to a
 * server stack over the in-memory switch, both applications keep their sockets, nothing is
 * sent, and the retained heap (after full GCs) is compared with the same two stacks before
 * the connections. The growth is split by class with the JVM's class histogram (the
 * GC.class_histogram diagnostic command, in-process), so the report says what a connection is
 * made of. Each connection has two ends, one per stack: the per-connection figure is per end.
 *
 * <p>{@code main} prints the growth table for 1, 10, 100, 1,000 and 10,000 connections;
 * {@link IdleConnectionFootprintTest} holds the 10,000-connection figure to its budget.
 */
public final class IdleConnections {
    static final int A = Ipv4Address.parse("10.0.0.1");
    static final int B = Ipv4Address.parse("10.0.0.2");

    /** What {@link #measure} found. */
    public record Footprint(int connections, long retainedBytes, long heapDelta, Map<String, Long> byClass) {
        /** Bytes per connection end (two ends per connection, one in each stack). */
        public double bytesPerEnd() {
            return retainedBytes / (2.0 * connections);
        }

        /** The classes that grew most, "name bytes/end" each. */
        public String top(int k) {
            List<Map.Entry<String, Long>> e = new ArrayList<>(byClass.entrySet());
            e.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(k, e.size()); i++) {
                sb.append(String.format(Locale.ROOT, "%s%s %.0f", i == 0 ? "" : ", ", e.get(i).getKey(),
                        e.get(i).getValue() / (2.0 * connections)));
            }
            return sb.toString();
        }
    }

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final VirtualSwitch sw = new VirtualSwitch("sw");
    private final NetStack a;
    private final NetStack b;
    private final TcpSocket listener;
    final List<TcpSocket> clients = new ArrayList<>();
    final List<TcpSocket> servers = new ArrayList<>();

    IdleConnections() {
        BufferPool pool = new BufferPool(4096, false);
        a = new NetStack("a", pool, clock);
        b = new NetStack("b", pool, clock);
        a.addInterface("eth0", sw.newPort("a", 1500), new MacAddress(0x02_00_00_00_00_01L));
        b.addInterface("eth0", sw.newPort("b", 1500), new MacAddress(0x02_00_00_00_00_02L));
        check(a.addAddress("eth0", A, 24));
        check(b.addAddress("eth0", B, 24));
        listener = b.openTcp();
        check(listener.bind(new InetEndpoint(0, 7)));
        check(listener.listen(4096));
        // ARP both ways and one round of everything lazily created, outside the measurement.
        open(1);
        closeAll();
    }

    /**
     * Opens {@code n} more connections, 100 handshakes at a time (well inside the listener's SYN
     * backlog), and accepts them; a lost SYN is retransmitted within the 10 simulated seconds.
     */
    void open(int n) {
        int target = clients.size() + n;
        while (clients.size() < target) {
            int batch = Math.min(100, target - clients.size());
            int first = clients.size();
            for (int i = 0; i < batch; i++) {
                TcpSocket s = a.openTcp();
                int r = s.connect(new InetEndpoint(B, 7));
                if (r < 0 && r != -Errno.EINPROGRESS) {
                    throw new IllegalStateException("connect: " + Errno.name(r));
                }
                clients.add(s);
            }
            for (int round = 0; round < 20_000 && servers.size() < clients.size(); round++) {
                step();
                if (round > 100) {
                    clock.advance(Clock.millis(1));
                }
                TcpSocket c;
                while ((c = listener.accept()) != null) {
                    servers.add(c);
                }
            }
            for (int i = first; i < clients.size(); i++) {
                if (clients.get(i).state() != TcpState.ESTABLISHED) {
                    throw new IllegalStateException("connection " + i + " is " + clients.get(i).state());
                }
            }
            if (servers.size() != clients.size()) {
                throw new IllegalStateException(servers.size() + " accepted of " + clients.size());
            }
        }
        // Let the last ACKs and any delayed-ACK timers run out: the connections are idle now.
        for (int i = 0; i < 10; i++) {
            clock.advance(Clock.millis(100));
            step();
        }
    }

    void closeAll() {
        for (TcpSocket s : clients) {
            s.close();
        }
        for (TcpSocket s : servers) {
            s.close();
        }
        clients.clear();
        servers.clear();
        // Through FIN exchange and TIME-WAIT (2 MSL = 60 s), so nothing of them is left.
        for (int i = 0; i < 200; i++) {
            clock.advance(Clock.seconds(1));
            step();
        }
    }

    private void step() {
        long now = clock.nanos();
        do {
            sw.poll(now);
            a.poll(now);
            b.poll(now);
        } while (sw.nextDeadline() <= now || a.nextDeadline() <= now || b.nextDeadline() <= now);
        clock.advance(Clock.micros(50));
    }

    int connectionEnds() {
        return a.tcp().connectionCount() + b.tcp().connectionCount();
    }

    /** Opens {@code n} idle connections in a fresh pair of stacks and measures what they retain. */
    public static Footprint measure(int n) {
        IdleConnections x = new IdleConnections();
        Map<String, long[]> before = histogram();
        long used0 = usedAfterGc();
        x.open(n);
        Map<String, long[]> after = histogram();
        long used1 = usedAfterGc();
        Map<String, Long> growth = new HashMap<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] was = before.getOrDefault(e.getKey(), new long[2]);
            long d = e.getValue()[1] - was[1];
            if (d > 0) {
                growth.put(e.getKey(), d);
            }
            total += d;
        }
        for (Map.Entry<String, long[]> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                total -= e.getValue()[1];
            }
        }
        // The histogram counts every live object; the MemoryMXBean figure is the cross-check.
        long retained = Math.max(total, 0);
        if (x.connectionEnds() != 2 * n) {
            throw new IllegalStateException(x.connectionEnds() + " connection ends, expected " + 2 * n);
        }
        java.lang.ref.Reference.reachabilityFence(x);
        return new Footprint(n, retained, used1 - used0, growth);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** class name -> {instances, bytes}, from GC.class_histogram (which runs a full GC first). */
    static Map<String, long[]> histogram() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("no class histogram in this JVM", e);
        }
        Map<String, long[]> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // " 1:  12345  678901  java.lang.String (java.base@17)"
            if (f.length >= 4 && f[0].endsWith(":")) {
                try {
                    out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                } catch (NumberFormatException ignored) {
                    // header or total line
                }
            }
        }
        return out;
    }

    private static void check(int r) {
        if (r < 0) {
            throw new IllegalStateException(Errno.name(r));
        }
    }

    public static void main(String[] args) {
        int[] sizes = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 10, 100, 1000, 10000};
        System.out.println("connections  retained KiB  bytes/end  heap-delta KiB  largest classes (bytes/end)");
        for (int n : sizes) {
            Footprint f = measure(n);
            System.out.printf(Locale.ROOT, "%11d  %12.1f  %9.0f  %14.1f  %s%n", n, f.retainedBytes() / 1024.0,
                    f.bytesPerEnd(), f.heapDelta / 1024.0, f.top(6));
        }
    }
}
