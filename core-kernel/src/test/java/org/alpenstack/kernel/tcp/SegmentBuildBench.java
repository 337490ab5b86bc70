package org.alpenstack.kernel.tcp;

import org.alpenstack.kernel.wire.TcpFlags;

/**
 * Reaches {@link TcpOutput#emit} for the segment-build microbenchmark
 * ({@code org.alpenstack.kernel.bench.SegmentBuildBenchmark}); test code only.
 */
public final class SegmentBuildBench {
    private final TcpConnection c;

    public SegmentBuildBench(TcpSocket socket) {
        try {
            java.lang.reflect.Field f = TcpSocket.class.getDeclaredField("conn");
            f.setAccessible(true);
            this.c = (TcpConnection) f.get(socket);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        if (c == null || c.sendBuffer == null) {
            throw new IllegalStateException("no established connection behind " + socket);
        }
    }

    /** Bytes in flight: what {@link #emitOldest} can build a segment from. */
    public int inFlight() {
        return c.sndMax - c.sndUna;
    }

    /**
     * Builds and hands to IP one ACK segment carrying the {@code len} oldest unacknowledged bytes
     * (a retransmission's segment, built by the same code as new data).
     */
    public int emitOldest(int len) {
        return c.layer.output.emit(c, c.sndUna, TcpFlags.ACK, len, c.layer.clock.nanos());
    }
}
