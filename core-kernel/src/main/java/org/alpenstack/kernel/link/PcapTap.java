package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;

/**
 * Wraps a {@link Link} and records every frame in both directions to a {@link PcapWriter},
 * stamped with the clock's time, like tcpdump on an interface. Frames pass through unchanged.
 */
public final class PcapTap implements Link {
    private final Link inner;
    private final PcapWriter writer;
    private final Clock clock;
    private FrameReceiver receiver;

    public PcapTap(Link inner, PcapWriter writer, Clock clock) {
        this.inner = inner;
        this.writer = writer;
        this.clock = clock;
        inner.attach(this::received);
    }

    @Override
    public void transmit(PacketBuffer frame) {
        writer.write(clock.nanos(), frame);
        inner.transmit(frame);
    }

    private void received(PacketBuffer frame) {
        writer.write(clock.nanos(), frame);
        FrameReceiver r = receiver;
        if (r != null) {
            r.receive(frame);
        }
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
