package org.alpenstack.kernel.bench;

import java.util.ArrayDeque;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FrameReceiver;
import org.alpenstack.kernel.link.Link;

/**
 * One end of a point-to-point in-memory wire for the microbenchmarks: a transmitted frame waits
 * in this end's queue until {@link #deliver} hands it to the peer's receiver, so a stack is never
 * called back from inside its own transmit. As a {@link #sink} the end releases what it is given
 * (the benchmark plays the peer itself). Allocates nothing once the queue has grown.
 */
final class BenchLink implements Link {
    private static final int HEADER_COPY = 128;
    private final String name;
    private final ArrayDeque<PacketBuffer> queue = new ArrayDeque<>(256);
    private FrameReceiver receiver = f -> { };
    private BenchLink peer;
    private boolean sink;
    /** Frames this end transmitted. */
    long transmitted;
    /** Bytes of the last frame transmitted while a sink (the benchmark reads templates from it). */
    final byte[] lastFrame = new byte[HEADER_COPY];
    int lastFrameLength;

    BenchLink(String name) {
        this.name = name;
    }

    static void connect(BenchLink x, BenchLink y) {
        x.peer = y;
        y.peer = x;
    }

    /** From now on frames transmitted here are released at once (the last one is kept as bytes). */
    void sink(boolean on) {
        sink = on;
    }

    @Override
    public void transmit(PacketBuffer frame) {
        transmitted++;
        if (sink) {
            lastFrameLength = frame.length();
            // Headers only: enough to read sequence numbers, without a payload copy per frame.
            System.arraycopy(frame.array(), frame.start(), lastFrame, 0, Math.min(lastFrameLength, HEADER_COPY));
            frame.release();
        } else {
            queue.addLast(frame);
        }
    }

    /** The oldest queued frame, taken off the wire (the caller releases it), or null. */
    PacketBuffer take() {
        return queue.pollFirst();
    }

    /** Hands every queued frame to the peer's receiver; returns how many moved. */
    int deliver() {
        int n = 0;
        PacketBuffer f;
        while ((f = queue.pollFirst()) != null) {
            peer.receiver.receive(f);
            f.release();
            n++;
        }
        return n;
    }

    /** Lends {@code frame} to this end's own receiver, as if it had arrived from the wire. */
    void inject(PacketBuffer frame) {
        receiver.receive(frame);
    }

    @Override
    public void attach(FrameReceiver r) {
        receiver = r;
    }

    @Override
    public int mtu() {
        return 1500;
    }

    @Override
    public String name() {
        return name;
    }
}
