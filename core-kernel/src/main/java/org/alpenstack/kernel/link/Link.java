package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * A layer-2 device an interface sits on: an in-memory switch port, a loopback, a fault injector
 * wrapping another link, an AF_PACKET socket, a TAP device.
 *
 * <p>Frames are Ethernet II frames starting at the destination MAC (no preamble, no FCS).
 *
 * <p>Threading: a link is driven by its owner's thread. {@link #transmit} is called on the
 * thread of the stack that owns the interface; a link that hands bytes to another thread copies
 * them first, so pooled buffers never cross threads.
 */
public interface Link {
    /**
     * Sends a frame. The link takes ownership of {@code frame} and releases it (now, or later on
     * the same thread once it has been delivered).
     */
    void transmit(PacketBuffer frame);

    /** Where received frames go from now on (one receiver per link end). */
    void attach(FrameReceiver receiver);

    /** The largest layer-3 packet the link carries (1500 for Ethernet). */
    int mtu();

    /** A short name for logs, counters and pcap comments. */
    String name();
}
