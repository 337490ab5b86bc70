package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FrameReceiver;
import org.alpenstack.kernel.link.Link;

/**
 * A {@link Link} for one stack instance that has a port to itself (a TAP device, or a NIC in a
 * test): transmit goes through the instance's own transmitter, and {@link #deliver} hands every
 * frame of a received batch to the attached receiver. The owner's thread runs both
 * {@link #deliver} (with batches it got from the port's RX thread, or from
 * {@code receiveBatch} directly) and {@link #transmit}.
 *
 * <p>With {@link #setAutoFlush(boolean) auto-flush} on (the default) every frame is sent at
 * once; an owner that transmits in bursts turns it off and calls {@link #flush()} after each burst.
 */
public final class PortLink implements Link {
    private final FramePort port;
    private final FrameTransmitter transmitter;
    private final BatchHandler deliverer = this::deliver;
    private FrameReceiver receiver = frame -> { };
    private boolean autoFlush = true;

    public PortLink(FramePort port) {
        this.port = port;
        this.transmitter = port.newTransmitter();
    }

    @Override
    public void transmit(PacketBuffer frame) {
        transmitter.transmit(frame);
        if (autoFlush) {
            transmitter.flush();
        }
    }

    public void setAutoFlush(boolean on) {
        autoFlush = on;
        if (on) {
            transmitter.flush();
        }
    }

    public int flush() {
        return transmitter.flush();
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    /**
     * Lends every frame of {@code batch} to the receiver, in order, with the port's word on its
     * TCP/UDP checksum, so that the stack does not sum again what the kernel already checked.
     */
    public void deliver(FrameBatch batch) {
        for (int i = 0; i < batch.count(); i++) {
            receiver.receive(batch.frame(i).transportChecksumVerified(batch.checksumVerified(i))
                    .receivedGsoSize(batch.gsoSize(i)));
        }
    }

    /** One receive step on the calling thread: waits up to {@code timeoutMillis} and delivers what came. */
    public int poll(int timeoutMillis) {
        return port.receiveBatch(timeoutMillis, deliverer);
    }

    public TxStats txStats() {
        return transmitter.stats();
    }

    @Override
    public int txOffloads() {
        return port.txOffloads();
    }

    @Override
    public int mtu() {
        return port.mtu();
    }

    @Override
    public String name() {
        return port.name();
    }
}
