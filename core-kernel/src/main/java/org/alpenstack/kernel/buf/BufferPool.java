package org.alpenstack.kernel.buf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pooled packet buffers in a few size classes. A pool belongs to one owner (one stack instance,
 * or one simulated network in a test) and is not thread-safe, like everything in core-kernel.
 *
 * <p>Size classes: a frame of the largest usual MTU with headroom, a jumbo frame, and a 64 KiB
 * datagram (reassembly, GSO-sized TCP segments). Free lists are bounded so that a burst does
 * not pin memory forever.
 *
 * <p>Leak detection (system property {@code alpenstack.buffer.leakDetection=true}, on in tests)
 * records where every outstanding buffer was acquired and catches double releases.
 */
public final class BufferPool {
    /** Room for the largest link header we emit (Ethernet + 802.1Q + virtio-net header), rounded up. */
    public static final int DEFAULT_HEADROOM = 128;

    private static final int[] CLASS_CAPACITY = {2048, 9216 + DEFAULT_HEADROOM, 65536 + 2 * DEFAULT_HEADROOM};
    private static final int DEFAULT_MAX_FREE_PER_CLASS = 4096;

    private final ArrayList<PacketBuffer>[] free;
    private final int maxFreePerClass;
    private final boolean leakDetection;
    private final Map<PacketBuffer, Boolean> outstanding;
    private long acquired;
    private long released;

    public BufferPool() {
        this(DEFAULT_MAX_FREE_PER_CLASS, Boolean.getBoolean("alpenstack.buffer.leakDetection"));
    }

    @SuppressWarnings("unchecked")
    public BufferPool(int maxFreePerClass, boolean leakDetection) {
        this.maxFreePerClass = maxFreePerClass;
        this.leakDetection = leakDetection;
        this.free = new ArrayList[CLASS_CAPACITY.length];
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayList<>();
        }
        this.outstanding = leakDetection ? new IdentityHashMap<>() : Collections.emptyMap();
    }

    /** The largest packet (headroom included) a pooled buffer can hold. */
    public static int maxCapacity() {
        return CLASS_CAPACITY[CLASS_CAPACITY.length - 1];
    }

    /** An empty buffer with {@code headroom} in front and room for at least {@code length} bytes after it. */
    public PacketBuffer acquire(int headroom, int length) {
        int need = headroom + length;
        int cls = 0;
        while (cls < CLASS_CAPACITY.length && CLASS_CAPACITY[cls] < need) {
            cls++;
        }
        if (cls == CLASS_CAPACITY.length) {
            throw new IllegalArgumentException("packet of " + need + " bytes exceeds the largest buffer " + maxCapacity());
        }
        ArrayList<PacketBuffer> list = free[cls];
        PacketBuffer b = list.isEmpty() ? new PacketBuffer(this, cls, CLASS_CAPACITY[cls]) : list.remove(list.size() - 1);
        b.refs = 1;
        b.reset(headroom);
        acquired++;
        if (leakDetection) {
            b.acquiredAt = new Throwable("buffer acquired here");
            outstanding.put(b, Boolean.TRUE);
        }
        return b;
    }

    /** An empty frame-sized buffer with the default headroom. */
    public PacketBuffer acquire(int length) {
        return acquire(DEFAULT_HEADROOM, length);
    }

    void release(PacketBuffer b) {
        if (b.refs != 1) {
            throw new IllegalStateException("buffer released twice: " + b);
        }
        b.refs = 0;
        released++;
        if (leakDetection) {
            outstanding.remove(b);
            b.acquiredAt = null;
        }
        ArrayList<PacketBuffer> list = free[b.sizeClass];
        if (list.size() < maxFreePerClass) {
            list.add(b);
        }
    }

    /** Buffers acquired and not yet released. */
    public long outstandingCount() {
        return acquired - released;
    }

    /**
     * With leak detection on, where each outstanding buffer was acquired; tests assert this is
     * empty once a conversation is over.
     */
    public List<Throwable> leaks() {
        List<Throwable> sites = new ArrayList<>();
        for (PacketBuffer b : outstanding.keySet()) {
            sites.add(b.acquiredAt);
        }
        return sites;
    }

    /** Throws with the acquisition site of the first leaked buffer, if any. */
    public void assertNoLeaks() {
        long n = outstandingCount();
        if (n != 0) {
            IllegalStateException e = new IllegalStateException(n + " packet buffer(s) leaked");
            if (leakDetection && !outstanding.isEmpty()) {
                e.initCause(outstanding.keySet().iterator().next().acquiredAt);
            }
            throw e;
        }
    }
}
