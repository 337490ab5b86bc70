package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.wire.MacAddress;

/**
 * A host network device the server exchanges Ethernet frames with: an {@link AfPacketPort} on a
 * NIC or veth, or a {@link TapPort}. Receiving is a loop a dedicated thread runs:
 *
 * <pre>{@code
 * while (port.receiveBatch(100, batch -> demux(batch)) >= 0) { }
 * }</pre>
 *
 * Transmitting goes through a {@link FrameTransmitter} per owning thread.
 */
public interface FramePort extends AutoCloseable {
    /**
     * Waits up to {@code timeoutMillis} for frames (0 polls, negative waits until frames arrive or
     * {@link #wakeup()}), then lends up to one batch of them to {@code handler}. Returns the number
     * of frames handed over (0 on timeout or wakeup) or -1 once the port is closed. One thread at
     * a time.
     */
    int receiveBatch(int timeoutMillis, BatchHandler handler);

    /** Makes a blocked or the next {@link #receiveBatch} return at once. Any thread. */
    void wakeup();

    /** A new transmit path for one owning thread. */
    FrameTransmitter newTransmitter();

    /** The device's own MAC address (the host's, for a TAP device). */
    MacAddress mac();

    /**
     * The transmit offloads ({@code Link.OFFLOAD_*}) its transmitters take: frames with a partial
     * checksum or TCP super-segments, described to the kernel in a virtio_net_hdr. None by default.
     */
    default int txOffloads() {
        return 0;
    }

    /**
     * Whether a TCP/IPv4 GSO super-frame from the peer (a local sender's TSO frame, up to 64 KiB)
     * is handed over whole instead of split into wire segments: the consumer says so when it takes
     * such frames as one segment, as Linux's receiver takes a GRO packet ({@link FrameBatch#gsoSize},
     * the stack's {@code PacketBuffer.receivedGsoSize}). Off by default; other GSO types (UDP_L4,
     * IPv6) are always split. Set it before the RX thread starts, or from it.
     */
    default void setReceiveTcpSuperFrames(boolean whole) {
    }

    /** See {@link #setReceiveTcpSuperFrames}; false for a port that always splits. */
    default boolean receivesTcpSuperFrames() {
        return false;
    }

    /** The device MTU: the largest layer-3 packet. */
    int mtu();

    /** The device name. */
    String name();

    RxStats rxStats();

    boolean isOpen();

    /** Stops receiving, waits for a receive or transmit in progress to finish, frees the native resources. Any thread. */
    @Override
    void close();
}
