package org.alpenstack.kernel.bench;

import java.util.concurrent.TimeUnit;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The TCP input fast path of an established connection receiving in-order full-sized data
 * segments: a segment the client once sent is replayed into the server's interface with the
 * next sequence number (as a NIC driver would copy it into a pooled buffer); the server's stack
 * parses Ethernet and IPv4, verifies the TCP checksum, demultiplexes, takes the data into the
 * receive buffer and ACKs every second segment (the ACKs go nowhere), and the application
 * reads the bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TcpInputBenchmark {
    StackPair pair;
    byte[] template;
    int frameLength;
    int payload;
    int seq;
    byte[] in;

    @Setup
    public void setup() {
        pair = new StackPair();
        byte[] data = new byte[1448];
        new java.util.Random(3).nextBytes(data);
        StackPair.check(pair.client.write(data, 0, data.length));
        PacketBuffer f = pair.la.take();
        frameLength = f.length();
        template = new byte[frameLength];
        System.arraycopy(f.array(), f.start(), template, 0, frameLength);
        f.release();
        payload = Frames.payloadLength(template, frameLength);
        if (payload <= 0) {
            throw new IllegalStateException("no data segment captured");
        }
        seq = Frames.seq(template);
        pair.lb.sink(true);
        in = new byte[64 * 1024];
        // The first replay is the original segment itself.
        for (int i = 0; i < 1000; i++) {
            segment();
        }
        if (pair.b.tcp().counters().segmentsIn < 1000) {
            throw new IllegalStateException("segments not taken");
        }
    }

    @Benchmark
    public int segment() {
        StackPair p = pair;
        Frames.setSeq(template, seq);
        seq += payload;
        PacketBuffer f = p.pool.acquire(0, frameLength);
        f.append(template, 0, frameLength);
        p.lb.inject(f);
        f.release();
        int n = p.server.read(in, 0, in.length);
        if (n != payload) {
            throw new IllegalStateException("read " + n + " of " + payload);
        }
        return n;
    }
}
