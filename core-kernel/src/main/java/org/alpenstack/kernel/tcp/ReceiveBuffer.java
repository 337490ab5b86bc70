package org.alpenstack.kernel.tcp;

/**
 * The receive queue of one connection: a byte ring of {@code capacity} bytes (sized from
 * {@code rmem}) that the application reads from. The bytes beyond the readable ones are the
 * receive window: {@link ReassemblyQueue} writes out-of-order data straight into that free space
 * at its final position ({@link #writeAt}) and makes it readable with {@link #commit} once the
 * gap before it is filled, so no segment is ever copied twice or kept in a separate object.
 *
 * <p>Window rule: the engine advertises at most {@link #free()} bytes. Since capacity never
 * shrinks, {@code RCV.NXT + free()} never moves left (RFC 9293 section 3.8.6 forbids shrinking
 * the window). Linux would advertise less than rmem (tcp_adv_win_scale accounts for skb
 * overhead); here payload is stored without overhead, so all of it can be offered.
 *
 * <p>Memory follows use: {@link #capacity()} is what the window is computed from, but the ring
 * behind it starts empty and doubles only when bytes (in order or not) need the room, so an idle
 * connection holds no data buffer (as an idle Linux socket holds no skb) and one that receives a
 * line at a time holds a few KiB. Growing keeps every byte at its logical position. In steady
 * state the ring has reached its size and nothing is allocated.
 *
 * <p>Not thread-safe; allocates only when stored bytes outgrow the ring.
 */
public final class ReceiveBuffer {
    /** The smallest ring allocated once a byte arrives. */
    static final int MIN_RING = Rings.MIN_RING;
    private static final byte[] EMPTY = new byte[0];

    /** Holds the bytes; its length is the modulus of the ring, at most {@link #capacity}. */
    private byte[] ring = EMPTY;
    private int capacity;
    private final int maxCapacity;
    /** Index of the first readable byte. */
    private int head;
    /** Readable bytes. */
    private int readable;

    public ReceiveBuffer(int capacity) {
        this(capacity, capacity);
    }

    /**
     * @param capacity    initial size (Linux tcp_rmem default, or SO_RCVBUF)
     * @param maxCapacity limit for {@link #grow} (tcp_rmem max)
     */
    public ReceiveBuffer(int capacity, int maxCapacity) {
        if (capacity <= 0 || maxCapacity < capacity) {
            throw new IllegalArgumentException("bad receive buffer size " + capacity + " (max " + maxCapacity + ")");
        }
        this.capacity = capacity;
        this.maxCapacity = maxCapacity;
    }

    public int capacity() {
        return capacity;
    }

    public int maxCapacity() {
        return maxCapacity;
    }

    /** Bytes the application can read now (FIONREAD, tcp_info rcv queue). */
    public int available() {
        return readable;
    }

    public boolean isEmpty() {
        return readable == 0;
    }

    /** Free space beyond the readable bytes: the most the receive window may offer. */
    public int free() {
        return capacity - readable;
    }

    /** Reads up to {@code len} bytes; returns how many (0 if empty). */
    public int read(byte[] dst, int off, int len) {
        int n = peek(dst, off, len);
        skip(n);
        return n;
    }

    /** Like {@link #read} but leaves the bytes in place (MSG_PEEK). */
    public int peek(byte[] dst, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        int n = Math.min(len, readable);
        copyOut(head, dst, off, n);
        return n;
    }

    /** Discards up to {@code n} readable bytes; returns how many. */
    public int skip(int n) {
        int k = Math.min(Math.max(n, 0), readable);
        head = wrap(head + k);
        readable -= k;
        // head is never reset to 0 when the buffer empties: out-of-order bytes stored with writeAt
        // are addressed relative to the readable end and must not move.
        return k;
    }

    /**
     * Appends in-order bytes and makes them readable; returns how many fit. For a buffer fed
     * without a {@link ReassemblyQueue} (it would overwrite out-of-order bytes the queue holds).
     */
    public int write(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        writeAt(0, src, off, n);
        commit(n);
        return n;
    }

    /**
     * Stores {@code len} bytes {@code offset} bytes past the readable end, without making them
     * readable (out-of-order data waiting for a gap to fill).
     *
     * @throws IndexOutOfBoundsException if the bytes do not fit in the free space
     */
    public void writeAt(int offset, byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        if (offset < 0 || len < 0 || (long) offset + len > free()) {
            throw new IndexOutOfBoundsException("write of " + len + " at " + offset + " beyond free space " + free());
        }
        if (readable + offset + len > ring.length) {
            resize(readable + offset + len);
        }
        int pos = wrap(head + readable + offset);
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(src, off, ring, pos, first);
        System.arraycopy(src, off + first, ring, 0, len - first);
    }

    /** Makes the next {@code n} bytes past the readable end (stored with {@link #writeAt}) readable. */
    public void commit(int n) {
        if (n < 0 || n > free()) {
            throw new IndexOutOfBoundsException("commit of " + n + " with free space " + free());
        }
        if (readable + n > ring.length) {
            resize(readable + n); // bytes never written (a caller's bug) read as zeros, not as out of bounds
        }
        readable += n;
    }

    /**
     * Raises the capacity to {@code newCapacity} (at most {@link #maxCapacity()}) for
     * receive-buffer autotuning; the ring itself grows when bytes need the room. Returns the
     * capacity now in effect.
     */
    public int grow(int newCapacity) {
        int target = Math.min(newCapacity, maxCapacity);
        if (target > capacity) {
            capacity = target;
        }
        return capacity;
    }

    /** Bytes of heap the ring takes now (0 until the first byte arrives). */
    public int allocated() {
        return ring.length;
    }

    /**
     * A ring of at least {@code need} bytes (doubling, at most the capacity). Every position of
     * the old ring, readable or out-of-order, keeps its distance from the head.
     */
    private void resize(int need) {
        ring = Rings.grown(ring, head, ring.length, need, capacity);
        head = 0;
    }

    private void copyOut(int from, byte[] dst, int off, int n) {
        int first = Math.min(n, ring.length - from);
        System.arraycopy(ring, from, dst, off, first);
        System.arraycopy(ring, 0, dst, off + first, n - first);
    }

    private int wrap(int i) {
        return i >= ring.length ? i - ring.length : i;
    }

    @Override
    public String toString() {
        return "ReceiveBuffer{readable=" + readable + ", capacity=" + capacity + ", allocated=" + ring.length + "}";
    }
}
