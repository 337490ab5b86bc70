package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;

/**
 * Wraps a {@link Link} and records every frame in both directions to a {@link PcapWriter},
 * stamped with the clock's time, like tcpdump on an interface. Frames pass through unchanged.
 */
public final class PcapTap extends TappedLink {
    private final PcapWriter writer;
    private final Clock clock;

    public PcapTap(Link inner, PcapWriter writer, Clock clock) {
        super(inner);
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    protected void observe(PacketBuffer frame, boolean outbound) {
        writer.write(clock.nanos(), frame);
    }
}
