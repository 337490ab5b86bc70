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
     * {@link #txOffloads()} bit: the link finishes a partial TCP/UDP checksum over IPv4
     * ({@link PacketBuffer#checksumPartial()}), as a device with NETIF_F_IP_CSUM.
     */
    int OFFLOAD_TX_CHECKSUM = 1;
    /**
     * {@link #txOffloads()} bit: the link cuts a TCP/IPv4 super-segment of up to
     * {@link #GSO_MAX_SIZE} bytes into wire segments of {@link PacketBuffer#gsoSize()} payload
     * bytes (or passes it whole to a peer that takes it so, as veth does): NETIF_F_TSO.
     * Implies {@link #OFFLOAD_TX_CHECKSUM}.
     */
    int OFFLOAD_TSO = 2;
    /** The largest IP packet a super-segment may make (Linux GSO_MAX_SIZE; IPv4 caps it at 65535). */
    int GSO_MAX_SIZE = 65535;

    /**
     * Sends a frame. The link takes ownership of {@code frame} and releases it (now, or later on
     * the same thread once it has been delivered).
     */
    void transmit(PacketBuffer frame);

    /** Where received frames go from now on (one receiver per link end). */
    void attach(FrameReceiver receiver);

    /** The largest layer-3 packet the link carries (1500 for Ethernet). */
    int mtu();

    /**
     * The transmit offloads this link performs ({@link #OFFLOAD_TX_CHECKSUM}, {@link #OFFLOAD_TSO});
     * none by default. The IP layer reads it for every packet, so a link may change its answer at
     * any time (a fault injector that starts damaging frames must see them as on the wire); a
     * packet already built with an offload the link no longer takes is finished in software first.
     */
    default int txOffloads() {
        return 0;
    }

    /** A short name for logs, counters and pcap comments. */
    String name();
}
