package org.alpenstack.kernel.bench;

import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.socket.Errno;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The steady-state bulk path end to end: one operation writes {@code chunk} bytes into the
 * client's socket, moves every segment and ACK between the two stacks (segment build, IPv4,
 * Ethernet, ARP cache, demux, TCP input, reassembly into the receive buffer, ACK processing,
 * timers) and reads them out of the server's socket. Run with {@code -prof gc}: the target is no
 * allocation per operation ({@code gc.alloc.rate.norm} about 0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TcpBulkBenchmark {
    @Param({"65536"})
    int chunk;

    StackPair pair;
    byte[] out;
    byte[] in;

    @Setup
    public void setup() {
        pair = new StackPair();
        out = new byte[chunk];
        in = new byte[256 * 1024];
        new java.util.Random(1).nextBytes(out);
        for (int i = 0; i < 200; i++) {
            transfer(); // grow the buffers and the windows to their steady state
        }
    }

    @Benchmark
    public long transfer() {
        StackPair p = pair;
        int sent = 0;
        long got = 0;
        int idle = 0;
        while (got < chunk) {
            if (sent < chunk) {
                int w = p.client.write(out, sent, chunk - sent);
                if (w > 0) {
                    sent += w;
                } else if (w != -Errno.EAGAIN) {
                    throw new IllegalStateException(Errno.name(w));
                }
            }
            p.clock.advance(10_000L); // 10 us per round: timers see time pass, none is due
            p.pump();
            int n;
            int before = (int) got;
            while ((n = p.server.read(in, 0, in.length)) > 0) {
                got += n;
            }
            idle = got == before ? idle + 1 : 0;
            if (idle > 100_000) {
                throw new IllegalStateException("bulk transfer stalled at " + got + " of " + chunk);
            }
        }
        return got;
    }
}
