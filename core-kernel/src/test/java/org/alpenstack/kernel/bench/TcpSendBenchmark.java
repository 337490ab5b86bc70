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
 * The sender's half of the bulk path, ACK-clocked: the application writes one full segment,
 * the stack builds and emits it (header, options, copy from the send buffer, checksum, IPv4,
 * Ethernet, into a pooled buffer), and an ACK for it arrives (a captured ACK of the server,
 * replayed with the new acknowledgment number): ACK processing frees the send buffer, takes an
 * RTT sample, grows cwnd and restarts the retransmission timer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TcpSendBenchmark {
    StackPair pair;
    byte[] data;
    byte[] ackTemplate;
    int ackLength;

    @Setup
    public void setup() {
        pair = new StackPair();
        data = new byte[1448];
        new java.util.Random(5).nextBytes(data);
        pair.lb.sink(true);
        // Capture an ACK of the server: send data until it answers (quick-ACK mode: at once).
        long handshake = pair.lb.transmitted;
        for (int i = 0; i < 4 && pair.lb.transmitted == handshake; i++) {
            StackPair.check(pair.client.write(data, 0, data.length));
            pair.la.deliver();
        }
        if (pair.lb.transmitted == handshake) {
            throw new IllegalStateException("the server sent no ACK");
        }
        ackLength = pair.lb.lastFrameLength;
        ackTemplate = java.util.Arrays.copyOf(pair.lb.lastFrame, ackLength);
        pair.la.sink(true);
        for (int i = 0; i < 1000; i++) {
            segment();
        }
    }

    @Benchmark
    public int segment() {
        StackPair p = pair;
        long before = p.la.transmitted;
        int w = p.client.write(data, 0, data.length);
        if (w != data.length || p.la.transmitted != before + 1) {
            throw new IllegalStateException("wrote " + w + ", " + (p.la.transmitted - before) + " segments out");
        }
        byte[] sent = p.la.lastFrame;
        Frames.setAck(ackTemplate, Frames.seq(sent) + Frames.payloadLength(sent, p.la.lastFrameLength));
        PacketBuffer f = p.pool.acquire(0, ackLength);
        f.append(ackTemplate, 0, ackLength);
        p.la.inject(f);
        f.release();
        return w;
    }
}
