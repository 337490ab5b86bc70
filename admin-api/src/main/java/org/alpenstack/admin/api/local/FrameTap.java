package org.alpenstack.admin.api.local;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.admin.api.AdminBackend;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.Link;
import org.alpenstack.kernel.link.TappedLink;

/**
 * Shows every frame crossing a link, in both directions, to the captures currently listening
 * (like an AF_PACKET socket on the interface). With nobody listening it costs one list check
 * per frame. Owner context only.
 */
final class FrameTap extends TappedLink {
    private final long epochOffset;
    private final List<AdminBackend.FrameSink> sinks = new ArrayList<>();

    FrameTap(Link inner, long epochOffsetNanos) {
        super(inner);
        this.epochOffset = epochOffsetNanos;
    }

    void add(AdminBackend.FrameSink s) {
        sinks.add(s);
    }

    void remove(AdminBackend.FrameSink s) {
        sinks.remove(s);
    }

    void clear() {
        sinks.clear();
    }

    @Override
    protected void observe(PacketBuffer frame, boolean outbound) {
        if (sinks.isEmpty()) {
            return;
        }
        long t = epochOffset + System.nanoTime();
        for (AdminBackend.FrameSink s : sinks.toArray(new AdminBackend.FrameSink[0])) {
            s.frame(t, frame.array(), frame.start(), frame.length());
        }
    }
}
