package org.alpenstack.kernel.stack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.link.FrameReceiver;
import org.alpenstack.kernel.link.Link;

/**
 * Wraps a link; while holding, frames sent through it wait, and {@link #releaseShuffled} sends
 * them on in a random order (a worst-case reordering path for reassembly tests).
 */
public final class ShufflingLink implements Link {
    private final Link inner;
    private final List<PacketBuffer> held = new ArrayList<>();
    private boolean holding;

    public ShufflingLink(Link inner) {
        this.inner = inner;
    }

    public void hold() {
        holding = true;
    }

    public int held() {
        return held.size();
    }

    /** Sends the held frames on in an order shuffled with {@code seed}; stops holding. */
    public void releaseShuffled(long seed) {
        holding = false;
        Collections.shuffle(held, new Random(seed));
        for (PacketBuffer p : held) {
            inner.transmit(p);
        }
        held.clear();
    }

    @Override
    public void transmit(PacketBuffer frame) {
        if (holding) {
            held.add(frame);
        } else {
            inner.transmit(frame);
        }
    }

    @Override
    public void attach(FrameReceiver receiver) {
        inner.attach(receiver);
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
