package org.alpenstack.admin.api.local;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.admin.api.AdminBackend;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FrameReceiver;
import org.alpenstack.kernel.link.Link;

/**
 * A link wrapper that shows every frame crossing it, in both directions, to the captures
 * currently listening (like an AF_PACKET socket on the interface). With nobody listening it
 * costs one list check per frame. Owner context only.
 */
final class FrameTap implements Link {
    private final Link inner;
    private final long epochOffset;
    private final List<AdminBackend.FrameSink> sinks = new ArrayList<>();
    private FrameReceiver receiver;

    FrameTap(Link inner, long epochOffsetNanos) {
        this.inner = inner;
        this.epochOffset = epochOffsetNanos;
        inner.attach(frame -> {
            show(frame);
            FrameReceiver r = receiver;
            if (r != null) {
                r.receive(frame);
            }
        });
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

    private void show(PacketBuffer frame) {
        if (sinks.isEmpty()) {
            return;
        }
        long t = epochOffset + System.nanoTime();
        for (AdminBackend.FrameSink s : sinks.toArray(new AdminBackend.FrameSink[0])) {
            s.frame(t, frame.array(), frame.start(), frame.length());
        }
    }

    @Override
    public void transmit(PacketBuffer frame) {
        show(frame);
        inner.transmit(frame);
    }

    @Override
    public void attach(FrameReceiver r) {
        this.receiver = r;
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
