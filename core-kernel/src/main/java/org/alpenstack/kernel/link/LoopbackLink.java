package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;
import org.alpenstack.kernel.time.Clock;
import org.alpenstack.kernel.time.Pollable;

/**
 * A link whose transmitted frames come back to its own receiver, like Linux's {@code lo}
 * (default MTU 65536). Frames wait in a queue and are delivered by {@link #poll}, never from
 * inside {@link #transmit}, so a stack that answers a looped-back frame is not re-entered.
 */
public final class LoopbackLink implements Link, Pollable {
    /** Linux's loopback MTU. */
    public static final int DEFAULT_MTU = 65536;
    public static final int DEFAULT_QUEUE = 1024;

    private final String name;
    private final int mtu;
    private final FrameQueue queue;
    private FrameReceiver receiver;
    private long lastPoll = Due.BEFORE_FIRST_POLL;
    private long delivered;
    private long dropped;

    public LoopbackLink() {
        this("lo", DEFAULT_MTU, DEFAULT_QUEUE);
    }

    public LoopbackLink(String name, int mtu) {
        this(name, mtu, DEFAULT_QUEUE);
    }

    public LoopbackLink(String name, int mtu, int queueCapacity) {
        if (mtu < 68) { // RFC 791: every IPv4 module must handle 68-octet datagrams
            throw new IllegalArgumentException("MTU below 68: " + mtu);
        }
        this.name = name;
        this.mtu = mtu;
        this.queue = new FrameQueue(queueCapacity);
    }

    @Override
    public void transmit(PacketBuffer frame) {
        if (frame.length() < Ethernet.HEADER_LEN || !Ethernet.fits(frame, mtu) || !queue.offer(frame)) {
            dropped++;
            frame.release();
        }
    }

    @Override
    public void poll(long now) {
        lastPoll = now;
        // Only what was queued before this poll: frames sent in reply wait for the next one.
        for (int n = queue.size(); n > 0; n--) {
            PacketBuffer f = queue.poll();
            if (receiver == null) {
                dropped++;
            } else {
                delivered++;
                receiver.receive(f);
            }
            f.release();
        }
    }

    @Override
    public long nextDeadline() {
        return queue.isEmpty() ? Clock.NEVER : lastPoll;
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

    public long deliveredFrames() {
        return delivered;
    }

    /** Frames refused: too short, larger than the MTU, queue full, or nobody attached. */
    public long droppedFrames() {
        return dropped;
    }

    /** Releases frames still queued (tear-down). */
    public void discardQueued() {
        queue.clear();
    }
}
