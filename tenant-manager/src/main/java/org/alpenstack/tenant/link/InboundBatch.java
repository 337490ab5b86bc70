package org.alpenstack.tenant.link;

/**
 * Frames copied for one instance, as slices of one array: what a NIC's RX thread (or another
 * instance, for hairpin traffic) hands to the instance's context in one task. Recycled through
 * the NIC's {@link BatchPool}, so steady traffic allocates nothing.
 */
public final class InboundBatch {
    final byte[] slab;
    final int[] offsets;
    final int[] lengths;
    /** Per frame: the NIC's driver verified its TCP/UDP checksum (FrameBatch.checksumVerified). */
    final boolean[] checksumVerified;
    /** Per frame: a TCP super-frame's wire segment size (FrameBatch.gsoSize), 0 for a wire frame. */
    final int[] gsoSize;
    int count;
    int used;

    InboundBatch(int bytes, int frames) {
        slab = new byte[bytes];
        offsets = new int[frames];
        lengths = new int[frames];
        checksumVerified = new boolean[frames];
        gsoSize = new int[frames];
    }

    /** Copies a frame in; false when it does not fit (the caller seals this batch and takes another). */
    boolean add(byte[] a, int off, int len, boolean verified, int gso) {
        if (count == offsets.length || slab.length - used < len) {
            return false;
        }
        System.arraycopy(a, off, slab, used, len);
        offsets[count] = used;
        lengths[count] = len;
        checksumVerified[count] = verified;
        gsoSize[count] = gso;
        count++;
        used = Math.min(slab.length, (used + len + 7) & ~7);
        return true;
    }

    int capacity() {
        return slab.length;
    }

    void clear() {
        count = 0;
        used = 0;
    }
}
