package org.alpenstack.kernel.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.wire.Checksum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The Internet checksum (RFC 1071) of core-kernel's wire package over a header, a full segment and a jumbo frame. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChecksumBenchmark {
    @Param({"20", "1448", "9000"})
    int size;

    /** An odd offset too: the sum must not depend on alignment, its speed may. */
    @Param({"0", "1"})
    int offset;

    byte[] data;

    @Setup
    public void setup() {
        data = new byte[size + 1];
        new Random(1).nextBytes(data);
    }

    @Benchmark
    public int compute() {
        return Checksum.compute(data, offset, size);
    }
}
