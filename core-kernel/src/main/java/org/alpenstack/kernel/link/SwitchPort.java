package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * One port of a {@link VirtualSwitch}, seen from the device plugged into it as a {@link Link}.
 * Transmitted frames wait in the port's queue until the switch is polled.
 */
public final class SwitchPort implements Link {
    private final VirtualSwitch owner;
    private final String name;
    private final int mtu;
    final int index;
    final FrameQueue ingress;
    FrameReceiver receiver;

    private long framesIn;
    private long bytesIn;
    long framesOut;
    long bytesOut;
    long dropped;

    SwitchPort(VirtualSwitch owner, String name, int mtu, int index, int queueCapacity) {
        this.owner = owner;
        this.name = name;
        this.mtu = mtu;
        this.index = index;
        this.ingress = new FrameQueue(queueCapacity);
    }

    @Override
    public void transmit(PacketBuffer frame) {
        if (frame.length() < Ethernet.HEADER_LEN || !Ethernet.fits(frame, mtu) || !ingress.offer(frame)) {
            dropped++;
            frame.release();
            return;
        }
        framesIn++;
        bytesIn += frame.length();
    }

    /** Hands a frame (lent) to the attached device if it fits this port's MTU. */
    void deliver(PacketBuffer frame) {
        FrameReceiver r = receiver;
        if (r == null || !Ethernet.fits(frame, mtu)) {
            dropped++;
            return;
        }
        framesOut++;
        bytesOut += frame.length();
        int start = frame.start();
        int end = frame.end();
        r.receive(frame);
        // A flooded frame is lent to several ports: undo any trimming the last receiver did.
        frame.setBounds(start, end);
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public String name() {
        return name;
    }

    public VirtualSwitch owner() {
        return owner;
    }

    /** Frames the device sent into the switch through this port. */
    public long framesIn() {
        return framesIn;
    }

    public long bytesIn() {
        return bytesIn;
    }

    /** Frames the switch delivered to the device on this port. */
    public long framesOut() {
        return framesOut;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** Frames dropped at this port: runt, larger than the MTU, queue full, or nobody attached. */
    public long dropped() {
        return dropped;
    }

    @Override
    public String toString() {
        return owner.name() + ":" + name;
    }
}
