package org.alpenstack.kernel.buf;

/**
 * A packet in one byte array, with headroom in front so that lower layers can prepend their
 * headers without copying (the role of Linux's sk_buff data/head pointers).
 *
 * <p>The valid bytes are {@code array()[start() .. end())}. Headers are read and written through
 * the static view classes in {@code org.alpenstack.kernel.wire}, which take {@code (array, offset)};
 * no object is made per header.
 *
 * <p>Ownership: a pooled buffer has exactly one owner at a time. Whoever is handed a buffer
 * either passes it on or calls {@link #release()}. A buffer made by {@link #wrap} borrows
 * somebody else's array (a frame in an RX batch); it is valid only during the call it was
 * passed into, and anything the stack keeps beyond that call is copied into its own buffers.
 */
public final class PacketBuffer {
    private byte[] array;
    private int start;
    private int end;
    private final BufferPool pool;
    /** Index of the size class in {@link #pool}, or -1 for a borrowed buffer. */
    final int sizeClass;
    /** 0 while the buffer sits in its pool; 1 while somebody owns it. */
    int refs;
    /** Where the buffer was acquired, kept only with leak detection on. */
    Throwable acquiredAt;
    /** See {@link #transportChecksumVerified()}; false unless a link driver says otherwise. */
    private boolean transportChecksumVerified;
    /**
     * Transmit offload request (see {@link #checksumPartial()}): the array index where the
     * transport header starts, whose checksum the link is to finish, or -1 for a complete packet.
     * An absolute index, so that it stays right while lower layers prepend their headers.
     */
    private int csumStart = -1;
    /** Where the checksum field sits, from {@link #csumStart} (16 for TCP, 6 for UDP). */
    private int csumOffset;
    /** Transmit offload request: payload bytes per wire segment of a TCP super-segment, or 0. */
    private int gsoSize;
    /** See {@link #receivedGsoSize()}; 0 unless a link driver says otherwise. */
    private int receivedGsoSize;

    PacketBuffer(BufferPool pool, int sizeClass, int capacity) {
        this.pool = pool;
        this.sizeClass = sizeClass;
        this.array = new byte[capacity];
    }

    private PacketBuffer(byte[] array, int offset, int length) {
        this.pool = null;
        this.sizeClass = -1;
        this.refs = 1;
        rewrap(array, offset, length);
    }

    /** A borrowed view of {@code array[offset, offset+length)}; {@link #release()} is a no-op. */
    public static PacketBuffer wrap(byte[] array, int offset, int length) {
        return new PacketBuffer(array, offset, length);
    }

    /** Points a borrowed buffer at another frame, so one wrapper can serve a whole RX batch. */
    public PacketBuffer rewrap(byte[] array, int offset, int length) {
        if (pool != null) {
            throw new IllegalStateException("only a borrowed buffer can be rewrapped");
        }
        if (offset < 0 || length < 0 || offset + length > array.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " array " + array.length);
        }
        this.array = array;
        this.start = offset;
        this.end = offset + length;
        this.transportChecksumVerified = false;
        this.receivedGsoSize = 0;
        clearOffload();
        return this;
    }

    /**
     * True if the link driver says the frame's TCP/UDP checksum has already been checked, as
     * Linux's CHECKSUM_UNNECESSARY (the NIC or the kernel verified it, or the frame came from a
     * local sender that never computed it because nothing between us can corrupt it). Transport
     * input then skips its own verification, which otherwise costs a pass over every received
     * byte. Cleared whenever the buffer is pointed at other bytes ({@link #rewrap}, {@link #reset})
     * and not carried by {@link #copy}: only the driver that saw the frame can vouch for it.
     */
    public boolean transportChecksumVerified() {
        return transportChecksumVerified;
    }

    /** Set by a link driver for a frame it received; anyone who alters the bytes clears it. */
    public PacketBuffer transportChecksumVerified(boolean verified) {
        this.transportChecksumVerified = verified;
        return this;
    }

    /**
     * Receive side, Linux's gso_size on a GRO/LRO packet: non-zero when the link driver hands
     * over a TCP super-packet that stands for several wire segments of this many payload bytes
     * each (a local sender's TSO frame taken whole from a veth, as Linux's own receiver takes it),
     * so IPv4 input accepts it above the interface MTU and TCP counts the wire segments. A driver
     * sets it only together with {@link #transportChecksumVerified()}: such a packet's checksum
     * field holds a partial sum. Cleared like that mark ({@link #rewrap}, {@link #reset}) and not
     * carried by {@link #copy}.
     */
    public int receivedGsoSize() {
        return receivedGsoSize;
    }

    /** Set by a link driver for a coalesced TCP packet it received (see {@link #receivedGsoSize()}). */
    public PacketBuffer receivedGsoSize(int size) {
        if (size < 0 || size > 0xffff) {
            throw new IllegalArgumentException("gso size " + size);
        }
        this.receivedGsoSize = size;
        return this;
    }

    /**
     * True if the transport checksum is left for the link to finish, Linux's CHECKSUM_PARTIAL:
     * the checksum field holds the folded, uncomplemented pseudo-header sum, and the link (or
     * {@code org.alpenstack.kernel.link.SoftwareOffload}) adds the bytes from
     * {@link #checksumStart()} to the end and stores the complement there. Only a link that
     * announces {@code Link.OFFLOAD_TX_CHECKSUM} ever receives such a frame.
     */
    public boolean checksumPartial() {
        return csumStart >= 0;
    }

    /** Where the summed transport header starts, counted from {@link #start()} (virtio csum_start). */
    public int checksumStart() {
        return csumStart - start;
    }

    /** The checksum field's place from {@link #checksumStart()} (virtio csum_offset). */
    public int checksumOffset() {
        return csumOffset;
    }

    /**
     * Marks the checksum as partial: the transport header starts {@code transportOffset} bytes
     * after {@link #start()} and its checksum field {@code fieldOffset} bytes into it.
     */
    public PacketBuffer checksumPartial(int transportOffset, int fieldOffset) {
        if (transportOffset < 0 || transportOffset + fieldOffset + 2 > length()) {
            throw new IndexOutOfBoundsException("checksum at " + transportOffset + "+" + fieldOffset + " of " + length());
        }
        this.csumStart = start + transportOffset;
        this.csumOffset = fieldOffset;
        return this;
    }

    /**
     * Payload bytes per segment when this is a TCP super-segment the link is to cut into wire
     * segments (TSO/GSO, virtio gso_size); 0 for a packet that goes on the wire as it is. A
     * super-segment always has a {@link #checksumPartial() partial checksum} as well.
     */
    public int gsoSize() {
        return gsoSize;
    }

    public PacketBuffer gsoSize(int size) {
        if (size < 0 || size > 0xffff) {
            throw new IllegalArgumentException("gso size " + size);
        }
        this.gsoSize = size;
        return this;
    }

    /** True if a transmit offload is requested: a partial checksum, perhaps segmentation too. */
    public boolean hasOffload() {
        return csumStart >= 0;
    }

    /** Forgets the offload requests (the bytes were completed in software, or replaced). */
    public PacketBuffer clearOffload() {
        csumStart = -1;
        csumOffset = 0;
        gsoSize = 0;
        return this;
    }

    public byte[] array() {
        return array;
    }

    /** Offset of the first valid byte. */
    public int start() {
        return start;
    }

    /** Offset one past the last valid byte. */
    public int end() {
        return end;
    }

    public int length() {
        return end - start;
    }

    public int capacity() {
        return array.length;
    }

    public int headroom() {
        return start;
    }

    public int tailroom() {
        return array.length - end;
    }

    public boolean isPooled() {
        return pool != null;
    }

    /** Empties the buffer and leaves {@code headroom} bytes in front. */
    public PacketBuffer reset(int headroom) {
        if (headroom < 0 || headroom > array.length) {
            throw new IndexOutOfBoundsException("headroom " + headroom + " capacity " + array.length);
        }
        start = headroom;
        end = headroom;
        transportChecksumVerified = false;
        receivedGsoSize = 0;
        clearOffload();
        return this;
    }

    /** Grows the packet by {@code n} bytes at the front; returns the new {@link #start()}. */
    public int prepend(int n) {
        if (n < 0 || n > start) {
            throw new IndexOutOfBoundsException("prepend " + n + " with headroom " + start);
        }
        start -= n;
        return start;
    }

    /** Grows the packet by {@code n} bytes at the end; returns the offset of the first new byte. */
    public int append(int n) {
        if (n < 0 || n > array.length - end) {
            throw new IndexOutOfBoundsException("append " + n + " with tailroom " + (array.length - end));
        }
        int at = end;
        end += n;
        return at;
    }

    /** Copies {@code len} bytes to the end of the packet. */
    public void append(byte[] src, int srcOff, int len) {
        int at = append(len);
        System.arraycopy(src, srcOff, array, at, len);
    }

    /** Drops {@code n} bytes from the front (a layer consumed its header). */
    public void trimFront(int n) {
        if (n < 0 || n > length()) {
            throw new IndexOutOfBoundsException("trimFront " + n + " of " + length());
        }
        start += n;
    }

    /** Cuts the packet to {@code n} bytes (link padding, IP total length). */
    public void truncate(int n) {
        if (n < 0 || n > length()) {
            throw new IndexOutOfBoundsException("truncate to " + n + " of " + length());
        }
        end = start + n;
    }

    /** Sets the valid window directly; for parsers that walk a frame. */
    public void setBounds(int start, int end) {
        if (start < 0 || end < start || end > array.length) {
            throw new IndexOutOfBoundsException("bounds " + start + ".." + end + " capacity " + array.length);
        }
        this.start = start;
        this.end = end;
    }

    /** Hands a pooled buffer back to its pool; a borrowed buffer ignores this. */
    public void release() {
        if (pool != null) {
            pool.release(this);
        }
    }

    /** A pooled copy of the valid bytes, with {@code headroom} in front. */
    public PacketBuffer copy(BufferPool into, int headroom) {
        PacketBuffer c = into.acquire(headroom, length());
        c.append(array, start, length());
        // The copy is as incomplete as the original: it needs the same offloads to become valid.
        if (csumStart >= 0) {
            c.checksumPartial(csumStart - start, csumOffset);
            c.gsoSize = gsoSize;
        }
        return c;
    }

    @Override
    public String toString() {
        return "PacketBuffer[" + start + ".." + end + " of " + array.length + (pool == null ? ", borrowed]" : "]");
    }
}
