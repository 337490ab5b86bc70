package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * A {@link Link} wrapper that shows every frame crossing it, both directions, to
 * {@link #observe} before passing it on unchanged, like a packet socket on an interface. The
 * one home of that plumbing: a pcap recorder and the admin API's live capture are both taps.
 */
public abstract class TappedLink implements Link {
    private final Link inner;
    private FrameReceiver receiver;

    protected TappedLink(Link inner) {
        this.inner = inner;
        inner.attach(this::received);
    }

    /** One frame, lent for the call only; {@code outbound} when the stack is sending it. */
    protected abstract void observe(PacketBuffer frame, boolean outbound);

    @Override
    public final void transmit(PacketBuffer frame) {
        observe(frame, true);
        inner.transmit(frame);
    }

    private void received(PacketBuffer frame) {
        observe(frame, false);
        FrameReceiver r = receiver;
        if (r != null) {
            r.receive(frame);
        }
    }

    @Override
    public final void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public final int mtu() {
        return inner.mtu();
    }

    /**
     * The inner link's: observers see what the stack hands the link, so a super-segment with a
     * partial checksum is seen as one frame, as tcpdump on a Linux interface with TSO sees it.
     */
    @Override
    public final int txOffloads() {
        return inner.txOffloads();
    }

    @Override
    public final String name() {
        return inner.name();
    }
}
