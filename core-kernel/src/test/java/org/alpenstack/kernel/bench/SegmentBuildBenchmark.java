package org.alpenstack.kernel.bench;

import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.tcp.SegmentBuildBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Segment build alone: TcpOutput emits one full-sized data segment of an established connection
 * (TCP header with timestamps, the payload copied from the send buffer, the checksum, then the
 * IPv4 and Ethernet headers and the link) into a pooled buffer, which the link releases.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SegmentBuildBenchmark {
    StackPair pair;
    SegmentBuildBench build;
    int len;

    @Setup
    public void setup() {
        pair = new StackPair();
        pair.la.sink(true);
        byte[] data = new byte[4 * 1448];
        StackPair.check(pair.client.write(data, 0, data.length));
        build = new SegmentBuildBench(pair.client);
        len = Math.min(1448, build.inFlight());
        if (len <= 0) {
            throw new IllegalStateException("nothing in flight");
        }
    }

    @Benchmark
    public int emit() {
        return build.emitOldest(len);
    }
}
