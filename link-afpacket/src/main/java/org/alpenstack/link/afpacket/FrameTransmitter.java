package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * The transmit path of a port, confined to one thread (the thread of the stack instance that owns
 * it). A port hands out one transmitter per owner, so instances sharing a NIC never share one.
 */
public interface FrameTransmitter {
    /**
     * Copies {@code frame} into the transmit path and releases it. Returns false if the frame was
     * dropped (too long for the device, malformed, or the port is closed); drops are counted in
     * {@link #stats()}. Frames may wait until {@link #flush()} or until the batch is full.
     */
    boolean transmit(PacketBuffer frame);

    /** Sends everything queued; returns the number of frames the kernel accepted. */
    int flush();

    TxStats stats();
}
