package org.alpenstack.link.afpacket;

import org.alpenstack.kernel.buf.PacketBuffer;

/**
 * Frames received in one go, as slices of one array. A port fills the batch, lends it to a
 * {@link BatchHandler} for the duration of one call, and reuses it: whoever keeps a frame copies
 * it (the {@link org.alpenstack.kernel.link.FrameReceiver} contract, for a whole batch at once).
 *
 * <p>Every frame is a complete Ethernet II frame starting at the destination MAC, with its
 * checksums complete and at most one MTU long: offloads the sender left undone (partial
 * checksums, GSO super-frames) have been finished by the port, and an 802.1Q tag the kernel had
 * stripped into metadata has been put back. The one exception is asked for by the consumer
 * ({@link FramePort#setReceiveTcpSuperFrames}): a TCP/IPv4 super-frame then comes whole, with
 * {@link #gsoSize(int)} its wire segment size and its checksum vouched for but not computed.
 */
public final class FrameBatch {
    /** The frame's layer-4 checksum was verified by the kernel or computed by the port. */
    public static final int CHECKSUM_VERIFIED = 1;

    private final byte[] slab;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] flags;
    private final int[] gsoSizes;
    private final PacketBuffer view = PacketBuffer.wrap(new byte[0], 0, 0);
    private int count;
    private int used;

    public FrameBatch(int maxBytes, int maxFrames) {
        if (maxBytes < 2048 || maxFrames < 1) {
            throw new IllegalArgumentException("a batch needs room for at least one frame");
        }
        this.slab = new byte[maxBytes];
        this.offsets = new int[maxFrames];
        this.lengths = new int[maxFrames];
        this.flags = new int[maxFrames];
        this.gsoSizes = new int[maxFrames];
    }

    /** The array every frame of this batch lives in. */
    public byte[] array() {
        return slab;
    }

    public int count() {
        return count;
    }

    public int offset(int i) {
        check(i);
        return offsets[i];
    }

    public int length(int i) {
        check(i);
        return lengths[i];
    }

    public int flags(int i) {
        check(i);
        return flags[i];
    }

    public boolean checksumVerified(int i) {
        return (flags(i) & CHECKSUM_VERIFIED) != 0;
    }

    /**
     * Non-zero for a TCP super-frame handed over whole: the payload bytes of each wire segment it
     * stands for (virtio gso_size; the stack's {@code PacketBuffer.receivedGsoSize}). Its
     * checksum field holds only the pseudo-header sum, so it is always {@link #CHECKSUM_VERIFIED}.
     */
    public int gsoSize(int i) {
        check(i);
        return gsoSizes[i];
    }

    /**
     * Frame {@code i} as a borrowed PacketBuffer. The same wrapper object is re-pointed on every
     * call, so it is valid until the next call to this method (no allocation per frame).
     */
    public PacketBuffer frame(int i) {
        check(i);
        return view.rewrap(slab, offsets[i], lengths[i]);
    }

    public int maxFrames() {
        return offsets.length;
    }

    public int maxBytes() {
        return slab.length;
    }

    /** Frames that still fit, counting slots only. */
    int freeSlots() {
        return offsets.length - count;
    }

    int freeBytes() {
        return slab.length - used;
    }

    void clear() {
        count = 0;
        used = 0;
    }

    /** Offset in {@link #array()} where a frame of up to {@code len} bytes can be written, or -1 if full. */
    int reserve(int len) {
        if (count == offsets.length || slab.length - used < len) {
            return -1;
        }
        return used;
    }

    /** Publishes the frame written at the last {@link #reserve} offset. */
    void commit(int len, int frameFlags) {
        commit(len, frameFlags, 0);
    }

    /** {@link #commit(int, int)} for a TCP super-frame kept whole, with its wire segment size. */
    void commit(int len, int frameFlags, int gsoSize) {
        offsets[count] = used;
        lengths[count] = len;
        flags[count] = frameFlags;
        gsoSizes[count] = gsoSize;
        count++;
        // Keep frames 8-byte aligned so that headers behind them start aligned too.
        used = Math.min(slab.length, (used + len + 7) & ~7);
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("frame " + i + " of " + count);
        }
    }
}
