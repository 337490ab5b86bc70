package org.alpenstack.kernel.link;

import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * A bounded FIFO of owned frames in a ring array: the transmit queue of an in-memory link.
 * Offering and taking allocate nothing (no list nodes), so the steady path of a switch or
 * loopback is allocation-free. A full queue refuses the frame; the caller counts the drop and
 * releases it, like a NIC with a full TX ring (Linux's txqueuelen is 1000 by default).
 */
public final class FrameQueue {
    private final PacketBuffer[] ring;
    private final int mask;
    private int head;
    private int size;

    /** {@code capacity} is rounded up to a power of two. */
    public FrameQueue(int capacity) {
        if (capacity < 1 || capacity > (1 << 24)) {
            throw new IllegalArgumentException("queue capacity out of range: " + capacity);
        }
        int n = Integer.highestOneBit(capacity);
        if (n < capacity) {
            n <<= 1;
        }
        ring = new PacketBuffer[n];
        mask = n - 1;
    }

    /** Appends an owned frame; false if the queue is full (the caller still owns the frame). */
    public boolean offer(PacketBuffer frame) {
        if (size == ring.length) {
            return false;
        }
        ring[(head + size) & mask] = frame;
        size++;
        return true;
    }

    /** Removes and returns the oldest frame, or null. Ownership passes to the caller. */
    public PacketBuffer poll() {
        if (size == 0) {
            return null;
        }
        PacketBuffer f = ring[head];
        ring[head] = null;
        head = (head + 1) & mask;
        size--;
        return f;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int capacity() {
        return ring.length;
    }

    /** Releases every queued frame (a link going down, the end of a test). */
    public void clear() {
        PacketBuffer f;
        while ((f = poll()) != null) {
            f.release();
        }
    }
}
