package org.alpenstack.kernel.stack;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FrameReceiver;
import org.alpenstack.kernel.link.Link;

/**
 * A link for unit tests: keeps a copy of every frame the stack transmits (and releases the
 * buffer, as a link must) and lets the test inject frames as if received.
 */
public final class CaptureLink implements Link {
    private final String name;
    private final int mtu;
    private FrameReceiver receiver;
    public final List<byte[]> sent = new ArrayList<>();

    public CaptureLink(String name, int mtu) {
        this.name = name;
        this.mtu = mtu;
    }

    @Override
    public void transmit(PacketBuffer frame) {
        byte[] copy = new byte[frame.length()];
        System.arraycopy(frame.array(), frame.start(), copy, 0, copy.length);
        sent.add(copy);
        frame.release();
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

    /** Delivers {@code frame} to the stack as a received frame (lent, as links do). */
    public void inject(byte[] frame) {
        receiver.receive(PacketBuffer.wrap(frame, 0, frame.length));
    }

    /** Injects a frame as a driver lends it, with whatever marks it set (a verified checksum). */
    public void inject(PacketBuffer frame) {
        receiver.receive(frame);
    }

    /** Removes and returns the captured frames. */
    public List<byte[]> drain() {
        List<byte[]> out = new ArrayList<>(sent);
        sent.clear();
        return out;
    }
}
