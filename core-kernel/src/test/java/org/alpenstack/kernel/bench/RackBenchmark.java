package org.alpenstack.kernel.bench;

import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.tcp.RackBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * RACK's work per ACK in a SACK recovery with 2,000 (or 20,000) segments in flight and a hole
 * every 500 (RackBench): one new segment sent, one ACK (SND.UNA one segment on, the newest segment
 * SACKed, four SACK blocks), RFC 8985 step 5 and TcpRecovery's questions (the first lost record,
 * the lost bytes below HighRxt). {@code walk} is the former full walk over the
 * flight (RackReference, test code), {@code ordered} the Rack of the engine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RackBenchmark {
    @Param({"ordered", "walk"})
    public String impl;

    /** Segments in flight: the walk's cost grows with it, the ordered Rack's does not. */
    @Param({"2000", "20000"})
    public int flight;

    RackBench bench;

    @Setup
    public void setup() {
        bench = new RackBench("walk".equals(impl), flight, 500);
        if (bench.records() != flight || bench.lostBytes() < (flight / 500 - 1) * 1448L) {
            throw new IllegalStateException("not the steady state: " + bench.records() + " records, "
                    + bench.lostBytes() + " bytes lost");
        }
    }

    @Benchmark
    public long ack() {
        return bench.ack();
    }
}
