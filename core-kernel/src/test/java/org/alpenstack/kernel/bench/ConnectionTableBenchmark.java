package org.alpenstack.kernel.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.tcp.ConnectionTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * TCP demultiplexing: looking a segment's 4-tuple up in the connection table (hits, in random
 * order, so the table's cache footprint counts), and a miss (a segment for no connection).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConnectionTableBenchmark {
    @Param({"10", "10000"})
    int connections;

    ConnectionTable<Object> table;
    int[] remoteAddress;
    int[] remotePort;
    int next;
    final int local = 0x0a000002;

    @Setup
    public void setup() {
        table = new ConnectionTable<>(64);
        Random r = new Random(7);
        remoteAddress = new int[connections];
        remotePort = new int[connections];
        for (int i = 0; i < connections; i++) {
            // Clients from one /16 on ephemeral ports, like the scale test's peer.
            remoteAddress[i] = 0x0a010000 | r.nextInt(1 << 16);
            remotePort[i] = 32768 + r.nextInt(28232);
            table.put(ConnectionTable.hi(local, remoteAddress[i]), ConnectionTable.lo(80, remotePort[i]), new Object());
        }
        // Look them up in another order than inserted.
        for (int i = connections - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int a = remoteAddress[i];
            remoteAddress[i] = remoteAddress[j];
            remoteAddress[j] = a;
            int p = remotePort[i];
            remotePort[i] = remotePort[j];
            remotePort[j] = p;
        }
    }

    @Benchmark
    public Object hit() {
        int i = next;
        next = i + 1 == connections ? 0 : i + 1;
        return table.get(local, 80, remoteAddress[i], remotePort[i]);
    }

    @Benchmark
    public Object miss() {
        int i = next;
        next = i + 1 == connections ? 0 : i + 1;
        return table.get(local, 81, remoteAddress[i], remotePort[i]);
    }
}
